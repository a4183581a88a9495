"""Contacts' part of the demo data: a believable B2B marketing database to explore Tendril with.

Companies in Vietnam, Thailand and beyond, their people (owned by the demo sales reps), custom
fields, consent and ninety days of behaviour in the event log, anonymous visitors included.
Deterministic for a seed. Scores are a plain column here; the scoring capability recomputes
them later.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from tendril.accounts.demo import DEMO_USERS
from tendril.accounts.models import User
from tendril.contacts.changes import (
    ActorRef,
    Change,
    actor_of,
    change_events,
    consent_event,
    created_event,
    import_actor,
    user_name,
)
from tendril.contacts.companies import company_build
from tendril.contacts.models import (
    Channel,
    Company,
    Consent,
    ConsentStatus,
    Contact,
    CustomField,
    FieldType,
    Language,
    Stage,
)
from tendril.contacts.search import contact_search_apply
from tendril.core.demo import DemoContext, demo_step
from tendril.core.events import is_activity
from tendril.core.models import Event, EventSource

CHUNK = 2000
SITE = "https://www.brightloop.io"


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split(", "))


# --- Companies -------------------------------------------------------------------------------

# region -> (name stems, legal forms, top-level domains)
REGIONS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "vn": (
        _words(
            "Saigon, Hanoi, Mekong, Da Nang, Hai Phong, Lotus, Sen Vang, Hoa Binh, "
            "An Phat, Minh Long, Thanh Cong, Viet Tien, Phu Gia, Dong A, Truong Son, "
            "Hong Ha, Bach Dang, Cuu Long, Tan Phu, Binh Minh, Nam Viet, Sao Mai, "
            "Hung Thinh, Kim Long, Tay Ho"
        ),
        ("Co.", "JSC", "Co., Ltd.", "Group", ""),
        ("vn", "com.vn"),
    ),
    "th": (
        _words(
            "Siam, Bangkok, Chao Phraya, Chiang Mai, Lanna, Andaman, Krung, Sukhumvit, "
            "Rattana, Phuket, Isan, Ayutthaya, Silom, Korat, Sathorn, Rayong, Mae Ping, "
            "Sri Ayudhya, Pattana, Thonburi"
        ),
        ("Co., Ltd.", "Public Co.", "Group", ""),
        ("co.th", "com"),
    ),
    "intl": (
        _words(
            "Northwind, Bluewave, Apex, Meridian, Harbor, Summit, Crestline, Pinewood, "
            "Brightpath, Keystone, Silverline, Orchid, Evergreen, Nimbus, Pacific Rim, "
            "Straits, Lighthouse, Granite, Halcyon, Vantage"
        ),
        ("Inc.", "Ltd", "Pte. Ltd.", "Group", ""),
        ("com", "io", "sg", "asia"),
    ),
}
REGION_WEIGHTS = {"vn": 45, "th": 35, "intl": 20}

# industry -> name endings
INDUSTRIES: dict[str, tuple[str, ...]] = {
    "Logistics": ("Freight", "Logistics", "Shipping", "Express", "Cargo", "Transport"),
    "Manufacturing": _words(
        "Precision Parts, Steel, Plastics, Electronics, Machinery, Packaging, Textiles"
    ),
    "Software": ("Software", "Digital", "Tech", "Cloud", "Data Systems", "Labs"),
    "Retail": ("Retail", "Mart", "Trading", "Home Goods", "Fashion"),
    "Banking & finance": ("Capital", "Finance", "Securities", "Insurance", "Credit"),
    "Healthcare": ("Medical", "Clinic", "Pharma", "Health", "Diagnostics"),
    "Education": ("Academy", "Education", "Learning", "Institute"),
    "Hospitality": ("Hotels", "Resorts", "Travel"),
    "Agriculture & food": ("Agro", "Coffee", "Seafood", "Foods"),
}
EMPLOYEE_BANDS = ((5, 50, 30), (50, 200, 30), (200, 1000, 22), (1000, 5000, 13), (5000, 40000, 5))

# --- People ----------------------------------------------------------------------------------

NAMES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "vn": (
        _words(
            "Linh, Anh, Minh, Hương, Tuấn, Hùng, Trang, Thảo, Đức, Nam, Lan, Mai, Hoa, "
            "Quang, Phương, Khánh, Long, Hiếu, Ngọc, Thu, Bảo, Vy, Dũng, Hải, Huy, Yến, "
            "Tâm, Sơn, Thị Hằng, Quốc Bảo, Ngọc Bích, Văn Đức, Thị Lan"
        ),
        _words(
            "Nguyễn, Trần, Lê, Phạm, Hoàng, Huỳnh, Phan, Vũ, Võ, Đặng, Bùi, Đỗ, Hồ, Ngô, Dương, Lý"
        ),
    ),
    "th": (
        _words(
            "Somchai, Somsak, Siriporn, Nattapong, Kanya, Pim, Arthit, Chaiwat, Wanida, "
            "Supaporn, Thanawat, Kittisak, Ploy, Narin, Preecha, Anong, Jirapat, "
            "Ratchanee, Worawut, Chutima, Thitima, Apinya"
        ),
        _words(
            "Srisuk, Wongsawat, Chaiyaporn, Boonmee, Saetang, Kittikachorn, Jaidee, "
            "Suksawat, Thongchai, Phromma, Sukprasert, Charoenrat, Wattanakul, "
            "Rattanakorn, Piyasakul, Tangsiri"
        ),
    ),
    "intl": (
        _words(
            "James, Emily, Michael, Sarah, David, Olivia, Daniel, Sophie, Chris, Hannah, "
            "Ryan, Grace, Ben, Chloe, Tom, Laura, Mark, Rachel, Wei, Priya, Kenji, "
            "Aisha"
        ),
        _words(
            "Smith, Johnson, Williams, Brown, Taylor, Wilson, Clarke, Walker, Hughes, "
            "Turner, Evans, Lee, Tan, Lim, Wong, Chen, Kumar, Patel, Murphy, Sato"
        ),
    ),
}
FREEMAIL = ("gmail.com", "gmail.com", "gmail.com", "yahoo.com", "hotmail.com", "outlook.com")
FREEMAIL_SHARE = 0.15
SOURCES = (
    ("web form", 34),
    ("ads", 16),
    ("webinar", 14),
    ("import", 13),
    ("trade show", 12),
    ("referral", 11),
)
STAGES = (
    (Stage.SUBSCRIBER, 22),
    (Stage.LEAD, 38),
    (Stage.MQL, 14),
    (Stage.SAL, 8),
    (Stage.SQL, 7),
    (Stage.OPPORTUNITY, 5),
    (Stage.CUSTOMER, 5),
    (Stage.EVANGELIST, 1),
)
# How engaged people at each stage tend to be: weights for cold, warm, hot.
HEAT_BY_STAGE = {
    Stage.SUBSCRIBER: (80, 17, 3),
    Stage.LEAD: (72, 22, 6),
    Stage.MQL: (30, 45, 25),
    Stage.SAL: (25, 45, 30),
    Stage.SQL: (20, 45, 35),
    Stage.OPPORTUNITY: (15, 40, 45),
    Stage.CUSTOMER: (35, 40, 25),
    Stage.EVANGELIST: (20, 40, 40),
}
SALES_STAGES = {Stage.SAL, Stage.SQL, Stage.OPPORTUNITY, Stage.CUSTOMER, Stage.EVANGELIST}
JOB_TITLES = _words(
    "Marketing Manager, Head of Marketing, CMO, Digital Marketing Executive, "
    "Sales Director, Operations Manager, CEO, Founder, IT Manager, CRM Specialist, "
    "Growth Lead, Brand Manager, Procurement Officer, Business Analyst, CFO"
)

CUSTOM_FIELDS: tuple[tuple[str, str, str, list[str]], ...] = (
    ("job_title", "Job title", FieldType.TEXT, []),
    ("budget", "Budget (USD)", FieldType.NUMBER, []),
    ("interest", "Interest", FieldType.CHOICE, ["Analytics", "Automation", "CRM"]),
    ("newsletter", "Newsletter", FieldType.BOOLEAN, []),
)

# --- Behaviour -------------------------------------------------------------------------------

# The Growth plan's yearly price where each person buys it: Vietnam pays in dong, Thailand in
# baht, everyone else in dollars.
PLAN_PRICES = {"vi": ("VND", 29_000_000), "th": ("THB", 39_000), "": ("USD", 1_200)}
PLAN_PRICES["en"] = PLAN_PRICES[""]

PAGES = (
    ("/", "Brightloop | Marketing automation for growing B2B teams", 20),
    ("/pricing", "Pricing | Brightloop", 12),
    ("/features/automation", "Journeys and automation | Brightloop", 9),
    ("/features/analytics", "Reports and analytics | Brightloop", 7),
    ("/features/crm", "CRM and lead scoring | Brightloop", 7),
    ("/integrations", "Integrations | Brightloop", 4),
    ("/blog/lead-scoring-101", "Lead scoring 101: points that predict revenue", 6),
    ("/blog/b2b-email-benchmarks-2026", "B2B email benchmarks for Southeast Asia", 6),
    ("/blog/pdpa-and-consent", "PDPA, GDPR and consent: a practical guide", 4),
    ("/blog/trade-show-follow-up", "The 48-hour trade show follow-up playbook", 4),
    ("/case-studies/saigon-freight", "How Saigon Freight doubled qualified leads", 4),
    ("/case-studies/siam-precision", "Siam Precision Parts cut sales cycles by 30%", 3),
    ("/about", "About us | Brightloop", 2),
    ("/contact", "Contact sales | Brightloop", 2),
    ("/demo", "Book a demo | Brightloop", 2),
)
REFERRERS = (
    ("", 40),
    ("https://www.google.com/", 30),
    ("https://www.linkedin.com/", 12),
    ("https://www.facebook.com/", 8),
    ("https://coccoc.com/", 4),
    ("https://www.bing.com/", 3),
    ("https://twitter.com/", 3),
)
CAMPAIGNS = (
    ("google", "cpc", "brand-search"),
    ("google", "cpc", "marketing-automation-vn"),
    ("linkedin", "paid-social", "abm-manufacturing"),
    ("facebook", "paid-social", "ebook-benchmarks"),
    ("newsletter", "email", "monthly-digest"),
    ("partner", "referral", "agency-network"),
)
EBOOKS = (
    "The 2026 B2B Marketing Benchmark Report (Southeast Asia)",
    "Lead Scoring Playbook",
    "Marketing Automation Buyer's Guide",
    "PDPA Compliance Checklist for Marketers",
)
NEWSLETTERS = ("Monthly digest", "Product update", "Customer story", "Event invitation")
WEBINARS = (
    "Automating lead scoring in 30 minutes",
    "From trade show badge to closed deal",
    "Email deliverability in Vietnam and Thailand",
)
# Activity per heat: sessions over 90 days, email open rate, click rate of opens.
HEAT_PROFILE = {
    "cold": ((0, 2), 0.12, 0.15),
    "warm": ((3, 7), 0.35, 0.3),
    "hot": ((9, 18), 0.6, 0.45),
}


# The language each region's people write their names in (Vietnamese: family name first).
LANGUAGES = {"vn": Language.VI, "th": Language.TH, "intl": Language.EN}


def _pick(rng: random.Random, weighted: Sequence[tuple[Any, int]]) -> Any:
    return rng.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]


def _ascii(text: str) -> str:
    text = text.replace("Đ", "D").replace("đ", "d")
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum())


@dataclass
class _Person:
    contact: Contact
    region: str
    heat: str
    consent: str | None
    events: list[Event] = field(default_factory=list)


# --- Writers ---------------------------------------------------------------------------------


def _companies(rng: random.Random, count: int, now: datetime, days: int) -> list[Company]:
    taken = set(Company.objects.filter(domain__isnull=False).values_list("domain", flat=True))
    names_taken = {n.lower() for n in Company.objects.values_list("name", flat=True)}
    combos = [
        (region, stem, industry, ending)
        for region, (stems, _, _) in REGIONS.items()
        for stem in stems
        for industry, endings in INDUSTRIES.items()
        for ending in endings
    ]
    rng.shuffle(combos)
    by_region = {r: [c for c in combos if c[0] == r] for r in REGIONS}
    companies: list[Company] = []
    while len(companies) < count and any(by_region.values()):
        region = _pick(rng, [(r, w) for r, w in REGION_WEIGHTS.items() if by_region[r]])
        _, stem, industry, ending = by_region[region].pop()
        _, forms, tlds = REGIONS[region]
        base = f"{stem} {ending}"
        form = rng.choice(forms)
        name = f"{base} {form}".strip()
        domain = f"{_ascii(stem)}{_ascii(ending.split()[0])}.{rng.choice(tlds)}"
        if domain in taken or name.lower() in names_taken:
            continue
        taken.add(domain)
        names_taken.add(name.lower())
        low, high, _ = _pick(rng, [(band, band[2]) for band in EMPLOYEE_BANDS])
        created = now - timedelta(days=days * 4 + rng.uniform(1, 365))
        companies.append(
            company_build(
                name=name,
                domain=domain,
                industry=industry,
                employees=int(rng.triangular(low, high, low)),
                now=created,
            )
        )
    return Company.objects.bulk_create(companies, batch_size=CHUNK)


def _custom_fields(now: datetime) -> set[str]:
    """Define the demo fields that are missing; returns the keys whose type is as expected."""
    usable = set()
    for key, label, kind, choices in CUSTOM_FIELDS:
        definition, _ = CustomField.objects.get_or_create(
            key=key, defaults={"label": label, "type": kind, "choices": choices, "created_at": now}
        )
        if definition.type == kind and (kind != FieldType.CHOICE or definition.choices == choices):
            usable.add(key)
    return usable


def _fields(rng: random.Random, usable: set[str], heat: str, consent: str | None) -> dict:
    values: dict[str, Any] = {}
    if "job_title" in usable and rng.random() < 0.8:
        values["job_title"] = rng.choice(JOB_TITLES)
    if "budget" in usable and rng.random() < (0.7 if heat == "hot" else 0.35):
        values["budget"] = rng.choice((5, 10, 15, 20, 30, 50, 75, 100, 150, 250)) * 1000
    if "interest" in usable and rng.random() < 0.6:
        values["interest"] = rng.choice(("Analytics", "Automation", "Automation", "CRM"))
    if "newsletter" in usable and consent is not None:
        values["newsletter"] = consent == ConsentStatus.GRANTED
    return values


def _people(
    rng: random.Random,
    *,
    count: int,
    companies: list[Company],
    users: dict[str, User],
    usable_fields: set[str],
    now: datetime,
    days: int,
) -> list[_Person]:
    regions = {c.pk: _region_of(c.domain or "") for c in companies}
    seen = set(Contact.objects.values_list("email", flat=True))
    sales_by_region = {
        "th": users["somchai.sales@demo.tendril"],
        "vn": users["thao.sales@demo.tendril"],
        "intl": users["thao.sales@demo.tendril"],
    }
    people: list[_Person] = []
    for _ in range(count):
        company = None if not companies or rng.random() < FREEMAIL_SHARE else rng.choice(companies)
        if company is not None:
            region = regions[company.pk]
            if rng.random() < 0.2:
                region = rng.choice(("vn", "th", "intl"))
        else:
            region = _pick(rng, list(REGION_WEIGHTS.items()))
        firsts, lasts = NAMES[region]
        first, last = rng.choice(firsts), rng.choice(lasts)
        email = _email(rng, first, last, company, region, seen)
        seen.add(email)
        stage = _pick(rng, STAGES)
        heat = rng.choices(("cold", "warm", "hot"), weights=HEAT_BY_STAGE[stage])[0]
        source = _pick(rng, SOURCES)
        # A quarter of the database predates the window; everyone else arrived during it.
        if rng.random() < 0.25:
            created = now - timedelta(days=days + rng.uniform(1, days * 3))
        else:
            span = days * (rng.uniform(0.3, 1) if heat == "hot" else rng.random())
            created = now - timedelta(days=span, minutes=rng.uniform(5, 600))
        consent_roll = rng.random()
        consent = (
            ConsentStatus.GRANTED
            if consent_roll < (0.75 if source in ("web form", "webinar") else 0.45)
            else ConsentStatus.DENIED
            if consent_roll > 0.9
            else None
        )
        owner = None
        if stage in SALES_STAGES or (stage == Stage.MQL and rng.random() < 0.3):
            owner = sales_by_region[region]
        contact = Contact(
            email=email,
            first_name=first,
            last_name=last,
            phone=_phone(rng, region),
            company=company,
            fields=_fields(rng, usable_fields, heat, consent),
            source=source,
            owner=owner,
            stage=stage,
            language=LANGUAGES[region],
            created_at=created,
            updated_at=created,
        )
        contact_search_apply(contact, company_name=company.name if company else "")
        people.append(_Person(contact=contact, region=region, heat=heat, consent=consent))
    return people


def _region_of(domain: str) -> str:
    if domain.endswith(".vn"):
        return "vn"
    if domain.endswith(".th"):
        return "th"
    return "intl"


def _email(
    rng: random.Random, first: str, last: str, company: Company | None, region: str, seen: set
) -> str:
    f, last_ascii = _ascii(first), _ascii(last)
    if company is not None:
        domain = company.domain
        local = rng.choice((f"{f}.{last_ascii}", f"{f}{last_ascii[:1]}", f"{f[:1]}{last_ascii}", f))
    else:
        domain = rng.choice(FREEMAIL + (("yahoo.com.vn",) if region == "vn" else ()))
        local = rng.choice((f"{f}.{last_ascii}", f"{f}{last_ascii}", f"{last_ascii}.{f}"))
        local += str(rng.randint(1, 99)) if rng.random() < 0.6 else ""
    email = f"{local}@{domain}"
    n = 2
    while email in seen:
        email = f"{local}{n}@{domain}"
        n += 1
    return email


def _phone(rng: random.Random, region: str) -> str:
    if rng.random() < 0.2:
        return ""
    digits = lambda k: "".join(str(rng.randint(0, 9)) for _ in range(k))  # noqa: E731
    if region == "vn":
        return f"+84 9{rng.randint(0, 9)} {digits(3)} {digits(4)}"
    if region == "th":
        return f"+66 8{rng.randint(0, 9)} {digits(3)} {digits(4)}"
    return f"+65 {rng.choice('689')}{digits(3)} {digits(4)}"


class _Timeline:
    """Builds one person's events between their arrival and now."""

    def __init__(self, rng: random.Random, person: _Person, now: datetime) -> None:
        self.rng = rng
        self.person = person
        self.now = now

    def add(self, type: str, at: datetime, properties: dict[str, Any]) -> None:
        if at > self.now:
            return
        self.person.events.append(
            Event(
                type=type,
                properties=properties,
                occurred_at=at,
                received_at=min(self.now, at + timedelta(seconds=self.rng.uniform(0.1, 3))),
                source=EventSource.DEMO,
            )
        )

    def page_view(self, at: datetime, path: str | None = None, campaign: Any = None) -> None:
        rng = self.rng
        if path is None:
            path, title, _ = _pick(rng, [(p, p[2]) for p in PAGES])
        else:
            path, title, _ = next(p for p in PAGES if p[0] == path)
        properties: dict[str, Any] = {"url": SITE + path, "title": title}
        if campaign is None and rng.random() < 0.2:
            campaign = rng.choice(CAMPAIGNS)
        if campaign:
            source, medium, name = campaign
            properties.update(utm_source=source, utm_medium=medium, utm_campaign=name)
            properties["referrer"] = ""
        else:
            properties["referrer"] = _pick(rng, REFERRERS)
        self.add("page_view", at, properties)

    def session(self, at: datetime, *, convert: float, campaign: Any = None) -> datetime:
        rng = self.rng
        for i in range(rng.randint(1, 5)):
            self.page_view(at, campaign=campaign if i == 0 else None)
            at += timedelta(seconds=rng.uniform(20, 240))
        if rng.random() < convert:
            self.conversion(at)
        return at

    def conversion(self, at: datetime) -> None:
        rng = self.rng
        roll = rng.random()
        if roll < 0.55:
            ebook = rng.choice(EBOOKS)
            self.add("form_submit", at, {"form": "ebook", "url": SITE + "/ebooks"})
            self.add("asset_downloaded", at + timedelta(seconds=5), {"asset": ebook})
        elif roll < 0.75 or self.person.heat != "hot":
            self.add("form_submit", at, {"form": "newsletter", "url": SITE + "/blog"})
        else:
            self.page_view(at, "/demo")
            self.add("form_submit", at + timedelta(seconds=40), {"form": "demo-request"})


def _behaviour(rng: random.Random, person: _Person, now: datetime, days: int) -> None:
    contact = person.contact
    window_start = now - timedelta(days=days)
    start = max(contact.created_at, window_start)
    timeline = _Timeline(rng, person, now)
    (low, high), open_rate, click_rate = HEAT_PROFILE[person.heat]
    heat = person.heat

    # How they arrived, when that happened inside the window.
    if contact.created_at >= window_start:
        at = contact.created_at
        if contact.source == "web form":
            at = timeline.session(at, convert=0)
            timeline.add("form_submit", at, {"form": "newsletter", "url": SITE})
        elif contact.source == "ads":
            timeline.session(at, convert=1, campaign=rng.choice(CAMPAIGNS[:4]))
        elif contact.source == "referral":
            timeline.page_view(at, campaign=CAMPAIGNS[5])
        elif contact.source == "webinar":
            timeline.add("form_submit", at, {"form": "webinar-registration"})

    span = (now - start).total_seconds()
    sessions = round(rng.randint(low, high) * days / 90 * (span / (days * 86400)) + 0.3)
    for _ in range(sessions):
        at = _office_hours(rng, start + timedelta(seconds=rng.uniform(0, span)), start, now)
        timeline.session(at, convert={"cold": 0.05, "warm": 0.15, "hot": 0.3}[heat])

    if person.consent == ConsentStatus.GRANTED:
        _emails(rng, timeline, start, now, open_rate, click_rate)
    if heat != "cold":
        for n, title in enumerate(WEBINARS):
            held = now - timedelta(days=days * (0.8 - 0.3 * n), hours=-10)
            if start <= held <= now and rng.random() < (0.25 if heat == "warm" else 0.5):
                timeline.add("custom:webinar_attended", held, {"webinar": title, "minutes": 45})
    if contact.stage in (Stage.CUSTOMER, Stage.EVANGELIST) and rng.random() < 0.5:
        at = start + timedelta(seconds=rng.uniform(0, span))
        currency, unit = PLAN_PRICES.get(contact.language, PLAN_PRICES[""])
        amount = unit * rng.choice((1, 2, 4, 8))
        timeline.add("purchase", at, {"amount": amount, "currency": currency, "items": ["Growth"]})


def _office_hours(rng: random.Random, at: datetime, start: datetime, now: datetime) -> datetime:
    """Most B2B browsing happens 08:00-18:00 in Bangkok and Ho Chi Minh City (UTC+7)."""
    if rng.random() < 0.8:
        moved = at.replace(hour=rng.randint(1, 10), minute=rng.randint(0, 59))
        if start <= moved <= now:
            return moved
    return at


def _emails(
    rng: random.Random,
    timeline: _Timeline,
    start: datetime,
    now: datetime,
    open_rate: float,
    click_rate: float,
) -> None:
    """A newsletter every two weeks: opens and clicks by people who agreed to receive it."""
    send = now - timedelta(days=3)
    number = 0
    while send >= start:
        name = f"{NEWSLETTERS[number % len(NEWSLETTERS)]} #{40 - number}"
        if rng.random() < open_rate:
            opened = send + timedelta(hours=rng.expovariate(1 / 8))
            timeline.add("email_opened", opened, {"email": name})
            if rng.random() < click_rate:
                path = rng.choice(
                    ("/blog/lead-scoring-101", "/pricing", "/case-studies/saigon-freight")
                )
                url = f"{SITE}{path}?utm_source=newsletter&utm_medium=email"
                timeline.add(
                    "email_clicked", opened + timedelta(seconds=30), {"email": name, "url": url}
                )
                timeline.page_view(opened + timedelta(seconds=35), path, CAMPAIGNS[4])
        send -= timedelta(days=14)
        number += 1


def _anonymous(rng: random.Random, count: int, now: datetime, days: int) -> list[Event]:
    """Visitors who never filled in a form: page views with only a visitor id."""
    events = []
    for _ in range(count):
        visitor = f"v-{rng.getrandbits(64):016x}"
        at = now - timedelta(seconds=rng.uniform(0, days * 86400))
        for _ in range(rng.randint(1, 4)):
            path, title, _ = _pick(rng, [(p, p[2]) for p in PAGES])
            if at <= now:
                events.append(
                    Event(
                        visitor_id=visitor,
                        type="page_view",
                        properties={"url": SITE + path, "title": title, "referrer": ""},
                        occurred_at=at,
                        received_at=at,
                        source=EventSource.DEMO,
                    )
                )
            at += timedelta(seconds=rng.uniform(15, 200))
    return events


def _score(person: _Person) -> int:
    """A believable score from what they did; the scoring capability replaces it later."""
    points = 0.0
    for event in person.events:
        if event.type == "page_view":
            points += 1.0 if "/pricing" in event.properties["url"] else 0.3
        elif event.type == "form_submit":
            points += 10 if event.properties["form"] == "demo-request" else 2
        elif event.type in ("asset_downloaded", "custom:webinar_attended"):
            points += 4
        elif event.type == "email_clicked":
            points += 1
    return min(40, int(points * 0.5))


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


@demo_step("contacts", order=20)
def contacts_demo(context: DemoContext) -> dict[str, int]:
    """Companies, people, consent and their behaviour; the demo users must exist already."""
    rng, now, days, say = context.rng, context.now, context.days, context.say
    users = {u.email: u for u in User.objects.filter(email__in=[u[0] for u in DEMO_USERS])}
    usable_fields = _custom_fields(now)
    made_companies = _companies(rng, context.companies, now, days)
    say(f"companies {len(made_companies):,}")

    people = _people(
        rng,
        count=context.contacts,
        companies=made_companies,
        users=users,
        usable_fields=usable_fields,
        now=now,
        days=days,
    )
    for person in people:
        _behaviour(rng, person, now, days)
        contact = person.contact
        contact.score = _score(person)
        seen = [e.occurred_at for e in person.events if is_activity(e.type)]
        contact.last_seen_at = max(seen) if seen else None
        contact.updated_at = max([contact.created_at, *seen])
    for chunk in _chunks([p.contact for p in people]):
        Contact.objects.bulk_create(chunk)
    say(f"contacts {len(people):,}")

    consents = [
        Consent(
            contact=p.contact,
            channel=Channel.EMAIL,
            status=p.consent,
            given_at=p.contact.created_at,
            method=_consent_method(p.contact),
        )
        for p in people
        if p.consent is not None
    ]
    Consent.objects.bulk_create(consents, batch_size=CHUNK)
    say(f"consents {len(consents):,}")

    events: list[Event] = []
    marketer = users["linh.marketing@demo.tendril"]
    for p in people:
        c = p.contact
        actor = _creator(c, marketer)
        events.append(_system_event(c, created_event(source=c.source, actor=actor), c.created_at))
        if p.consent is not None:
            consent = consent_event(
                channel=Channel.EMAIL, status=p.consent, method=_consent_method(c), actor=actor
            )
            events.append(_system_event(c, consent, c.created_at))
        events.extend(_handover(c, marketer, now))
        for event in p.events:
            event.contact_id = c.pk
        events.extend(p.events)
    events.extend(_anonymous(rng, context.contacts // 3, now, days))
    events.sort(key=lambda e: e.occurred_at)
    for chunk in _chunks(events):
        Event.objects.bulk_create(chunk)
    say(f"events {len(events):,}")
    return {
        "companies": len(made_companies),
        "contacts": len(people),
        "events": len(events),
        "consents": len(consents),
        "custom_fields": len(usable_fields),
    }


def _creator(contact: Contact, marketer: User) -> ActorRef | None:
    """Who the history says created the contact: the import for imported ones, the marketer
    for the ones met in person; nobody for those who came through the website or an ad."""
    if contact.source == "import":
        return import_actor(job_id=None, file_name="brightloop-contacts.csv")
    if contact.source in ("trade show", "referral"):
        return actor_of(marketer, method=EventSource.UI)
    return None


def _handover(contact: Contact, marketer: User, now: datetime) -> list[Event]:
    """The moves a marketer and sales follow: the marketer hands the contact to its owner a
    day after it arrived, then the owner (or the marketer) moves it along the funnel."""
    events = []
    owner = contact.owner
    if owner is not None:
        assigned = change_events(
            changed=["owner"],
            previous_stage=contact.stage,
            stage=contact.stage,
            owner_email=owner.email,
            owner_name=user_name(owner),
            method=EventSource.UI,
            actor=actor_of(marketer, method=EventSource.UI),
        )
        at = min(now, contact.created_at + timedelta(days=1))
        events += [_system_event(contact, change, at) for change in assigned]
    if contact.stage not in (Stage.SUBSCRIBER, Stage.LEAD):
        moved = change_events(
            changed=["stage"],
            previous_stage=Stage.LEAD,
            stage=contact.stage,
            owner_email=None,
            method=EventSource.UI,
            actor=actor_of(owner or marketer, method=EventSource.UI),
        )
        at = min(now, contact.created_at + timedelta(days=2))
        events += [_system_event(contact, change, at) for change in moved]
    return events


def _consent_method(contact: Contact) -> str:
    return "form" if contact.source in ("web form", "webinar", "ads") else "import"


def _system_event(contact: Contact, change: Change, at: datetime) -> Event:
    kind, properties = change
    return Event(
        contact_id=contact.pk,
        type=kind,
        properties=properties,
        occurred_at=at,
        received_at=at,
        source=EventSource.DEMO,
    )
