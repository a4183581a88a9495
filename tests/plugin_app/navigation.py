from tendril.ui.navigation import nav_entry

nav_entry("webinars", "Webinars", "plugin_app:index", order=45)
