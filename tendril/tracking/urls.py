from django.urls import path, re_path

from tendril.tracking import collector, network_views, views

app_name = "tracking"

urlpatterns = [
    # Public, for browsers and SDKs: a site key writes, nothing reads.
    path("t/tendril.js", collector.tendril_js, name="tracking-snippet"),
    path("t/collect", collector.collect, name="tracking-collect"),
    path("t/c/<str:token>", collector.click, name="click"),
    re_path(
        r"^v1/(?P<kind>identify|track|page|screen|group|alias|batch)$",
        collector.segment_ingest,
        name="tracking-segment",
    ),
    # Screens (signed-in users).
    path("sites/", views.site_list, name="site_list"),
    path("sites/new/", views.site_new, name="site_new"),
    path("sites/<int:pk>/", views.site_detail, name="site_detail"),
    path("sites/<int:pk>/edit/", views.site_edit, name="site_edit"),
    path("sites/<int:pk>/key/", views.site_key, name="site_key"),
    path("sites/<int:pk>/delete/", views.site_delete, name="site_delete"),
    # A company's networks (the company page is contacts'; its panels are ours).
    path(
        "companies/<int:pk>/networks/add/",
        network_views.company_networks_add,
        name="company_networks_add",
    ),
    path(
        "companies/<int:pk>/networks/<int:network_id>/remove/",
        network_views.company_network_remove,
        name="company_network_remove",
    ),
    path(
        "companies/networks/import/",
        network_views.company_networks_import,
        name="company_networks_import",
    ),
    path("sites/<int:pk>/analysis/", views.site_analysis, name="site_analysis"),
]
