"""Personalising emails: what a template sees of a contact and its company, defaults, the name
in a Vietnamese contact's order, blocks by grade and segment, hostile contact data escaped in
HTML, CSS inlined, the plain-text part made from the HTML; template errors and sandbox escapes
refused at save with their line, and a template that fails for one contact at send time
reported naming the email."""

from __future__ import annotations

import time

import pytest

from tendril.contacts.companies import company_create
from tendril.contacts.models import Contact, CustomField
from tendril.contacts.services import contact_create
from tendril.core import clock
from tendril.core.errors import InvalidInput
from tendril.messaging.models import Email
from tendril.messaging.rendering import MAX_SECONDS, RenderFailed
from tendril.messaging.services import email_create, email_render
from tendril.preferences.links import preference_url, unsubscribe_url
from tendril.segments.models import SegmentMember
from tendril.segments.services import segment_create

pytestmark = pytest.mark.django_db


def make(**data: str) -> Email:
    return email_create(data={"name": "Test", "subject": "Hi", "html": "<p>x</p>", **data}, by=None)


@pytest.fixture
def lan() -> Contact:
    CustomField.objects.create(
        key="plan", label="Plan", type="text", choices=[], created_at=clock.now()
    )
    company = company_create(
        data={"name": "Sao Mai", "domain": "saomai.vn", "industry": "Retail", "employees": 40},
        by=None,
    )
    contact = contact_create(
        data={
            "email": "hang@saomai.vn",
            "first_name": "Thị Hằng",
            "last_name": "Nguyễn",
            "language": "vi",
            "fields": {"plan": "Pro"},
        },
        by=None,
    )
    contact.company = company
    contact.save(update_fields=["company"])
    return contact


def test_a_contact_company_and_custom_field_are_personalised(lan: Contact) -> None:
    email = make(
        subject="{{ contact.first_name }}, news for {{ company.name }}",
        html="<p>Dear {{ contact.name }} ({{ contact.email }}), plan {{ contact.fields.plan }}, "
        "{{ company.domain }} / {{ company.industry }} / {{ company.employees }}</p>",
    )

    rendered = email_render(email=email, contact=lan)

    assert rendered.subject == "Thị Hằng, news for Sao Mai"
    # A Vietnamese contact's full name is written family name first.
    assert "Dear Nguyễn Thị Hằng (hang@saomai.vn), plan Pro" in rendered.html
    assert "saomai.vn / Retail / 40" in rendered.html


def test_defaults_fill_what_a_contact_lacks() -> None:
    contact = contact_create(data={"email": "anon@example.com"}, by=None)
    email = make(
        subject="Hello {{ contact.first_name|default('there', true) }}",
        html="<p>{{ contact.fields.plan|default('Free') }} at "
        "{{ company.name|default('your company') }}</p>",
    )

    rendered = email_render(email=email, contact=contact)

    assert rendered.subject == "Hello there"
    assert "Free at your company" in rendered.html


def test_links_to_the_preference_centre_and_unsubscribe_are_the_contacts(lan: Contact) -> None:
    email = make(
        html='<a href="{{ preferences_url }}">Prefs</a> <a href="{{ unsubscribe_url }}">Stop</a>'
    )

    html = email_render(email=email, contact=lan).html

    assert preference_url(lan) in html and unsubscribe_url(lan) in html


def test_blocks_shown_by_grade_and_segment(lan: Contact) -> None:
    segment = segment_create(name="VIP", static=True, filter=None, by=None)
    email = make(
        html=(
            '{% if contact.grade == "hot" %}<p>HOT</p>{% else %}<p>NOT HOT</p>{% endif %}'
            "{% if contact.in_segment(" + str(segment.pk) + ") %}<p>VIP ONLY</p>{% endif %}"
            "{% if " + str(segment.pk) + " in contact.segments %}<p>LISTED</p>{% endif %}"
        )
    )

    before = email_render(email=email, contact=lan).html
    SegmentMember.objects.create(segment=segment, contact_id=lan.pk, entered_at=clock.now())
    Contact.objects.filter(pk=lan.pk).update(score=1000)
    lan.refresh_from_db()
    after = email_render(email=email, contact=lan).html

    assert "NOT HOT" in before and "VIP ONLY" not in before and "LISTED" not in before
    assert "<p>HOT</p>" in after and "VIP ONLY" in after and "LISTED" in after


def test_hostile_contact_data_stays_text_in_html_and_one_line_in_the_subject() -> None:
    contact = contact_create(
        data={"email": "x@example.com", "first_name": '<script>alert(1)</script>"'}, by=None
    )
    email = make(subject="Hi {{ contact.first_name }}", html="<p>Hi {{ contact.first_name }}</p>")

    rendered = email_render(email=email, contact=contact)

    assert "<script>" not in rendered.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered.html
    # The subject and the text part are not HTML: no entities for their reader.
    assert rendered.subject == 'Hi <script>alert(1)</script>"'


def test_css_is_inlined_and_media_queries_kept() -> None:
    email = make(
        html="<html><head><style>.cta{color:#ff0000} @media (max-width:600px){.cta{color:blue}}"
        '</style></head><body><p class="cta">Go</p></body></html>'
    )

    html = email_render(email=email, contact=None).html

    assert '<p class="cta" style="color: #ff0000;">Go</p>' in html
    assert "@media (max-width:600px)" in html


def test_the_text_part_is_made_from_the_html_when_empty(lan: Contact) -> None:
    email = make(
        html="<html><head><title>T</title><style>p{}</style></head><body>"
        "<h1>Hello {{ contact.first_name }}</h1><p>Read <a href='https://x.io/a'>the post</a>.</p>"
        "<ul><li>One</li><li>Two</li></ul></body></html>"
    )

    text = email_render(email=email, contact=lan).text

    assert text == "HELLO THỊ HẰNG\n\nRead the post (https://x.io/a).\n\n- One\n- Two\n"


def test_a_written_text_part_is_kept() -> None:
    email = make(text="Plain {{ contact.first_name|default('friend') }}")

    assert email_render(email=email, contact=None).text == "Plain Alex"


@pytest.mark.parametrize(
    ("field", "source", "message"),
    [
        ("html", "<p>a</p>\n<p>b</p>\n{{ contact.first_name }\n", "Line 3: unexpected '}'"),
        ("subject", "Hi {{ contact.first_name|shout }}", "Line 1: No filter named 'shout'."),
        ("text", "a\n{% if contact.grade %}\nno end", "Line 2: Unexpected end of template"),
    ],
)
def test_template_errors_are_refused_at_save_with_their_line(
    field: str, source: str, message: str
) -> None:
    with pytest.raises(InvalidInput) as error:
        make(**{field: source})

    assert error.value.field == field
    assert error.value.message.startswith(message)
    assert not Email.objects.exists()


@pytest.mark.parametrize(
    ("source", "line"),
    [
        ("{{ ''.__class__.__mro__ }}", 1),
        ("\n\n{{ ''.__class__.__mro__[1].__subclasses__() }}", 3),
        ("x\n{{ ''|attr('__class__') }}", 2),
        ("x\n{{ contact['__class__'] }}", 2),
        ("{% if contact.grade == 'nobody' %}\n{{ range.__globals__ }}\n{% endif %}", 2),
        ("a\nb\n{{ contact.in_segment.__globals__['os'] }}", 3),
        ("{{ self.__init__.__globals__ }}", 1),
        ("{{ namespace.__init__.__globals__ }}", 1),
        ("\n{{ '{0.__class__}'.format(contact) }}", 2),
        ("{% set f = contact.in_segment %}\n{{ f.__globals__ }}", 2),
        # The context cannot be changed from a template (it is shared by every check).
        ("a\n{{ contact.fields.update({'plan': 'x'}) }}", 2),
        ("{{ contact.fields.clear() }}", 1),
    ],
)
def test_sandbox_escapes_are_refused_at_save_with_their_line(source: str, line: int) -> None:
    with pytest.raises(InvalidInput) as error:
        make(html=source)

    assert error.value.field == "html"
    assert error.value.message.startswith(f"Line {line}:"), error.value.message
    assert not Email.objects.exists()


@pytest.mark.parametrize(
    "source",
    [
        "{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}",
        "{% for i in range(10**9) %}x{% endfor %}",
        "{{ 'x' * 1000000000 }}",
        "{{ ['x'] * 1000000000 }}",
        "{{ 2 ** 100000000 }}",
        "{{ 'x'|center(1000000000) }}",
        "{{ 'x'.ljust(1000000000) }}",
        "{{ '%999999999s'|format('x') }}",
        "{{ '%*s' % (999999999, 'x') }}",
        "{% for i in range(9999) %}{{ 'x' * 999 }}{% endfor %}",
        # No call, no range: only the loops' own guard sees these.
        "{% for a in '" + "a" * 20000 + "' %}{% for b in '" + "b" * 20000 + "' %}{% endfor %}"
        "{% endfor %}",
    ],
)
def test_templates_that_loop_or_allocate_too_much_are_refused_at_save(source: str) -> None:
    started = time.monotonic()

    with pytest.raises(InvalidInput) as error:
        make(html="<p>Hi</p>\n" + source)

    assert error.value.field == "html"
    # A part that grows too big is only seen at its end: no line to name then.
    assert error.value.message.startswith(
        ("Line 2: it takes too long or makes too much", "It takes too long or makes too much")
    )
    assert time.monotonic() - started < MAX_SECONDS + 3


def test_loops_still_know_their_length_index_and_else() -> None:
    email = make(
        html="{% for s in contact.segments %}x{% else %}none{% endfor %}|"
        "{% for c in ['a', 'b', 'c'] %}{{ loop.index }}/{{ loop.length }}"
        "{% if loop.last %}.{% endif %}{% endfor %}|"
        "{% for k, v in {'a': 1}.items() %}{{ k }}={{ v }}{% endfor %}"
    )

    assert email_render(email=email, contact=None).html == "none|1/32/33/3.|a=1"


def test_a_template_that_fails_for_one_contact_names_the_email() -> None:
    # Saved: it runs for the sample contact; it fails only for a contact without the field.
    email = make(name="Budget letter", html="<p>\n{{ 100 // contact.fields.budget }}</p>")
    contact = contact_create(data={"email": "zero@example.com", "fields": {}}, by=None)
    contact.fields = {"budget": 0}

    with pytest.raises(RenderFailed) as error:
        email_render(email=email, contact=contact)

    assert "Budget letter" in error.value.message
    assert "line 2 of the html" in error.value.message
