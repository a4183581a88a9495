"""The demo's email topics (a newsletter, product news, events & webinars, in English,
Vietnamese and Thai), some people's choices on their preference centres, and two people who
unsubscribed from all, so the topics screen counts and the consent history tells something."""

from __future__ import annotations

from tendril.contacts.models import Channel, ConsentStatus, Contact
from tendril.core.demo import DemoContext, demo_step
from tendril.preferences.events import VIA_CENTRE, VIA_ONE_CLICK
from tendril.preferences.models import Topic
from tendril.preferences.services import contact_topics_set, topic_create, unsubscribe_all

PREFERENCE_CENTRE = "preference centre"
DEMO_TOPICS = (
    {
        "key": "newsletter",
        "name": "Monthly newsletter",
        "description": "The best of our blog, customer stories and tips, once a month.",
        "name_vi": "Bản tin hằng tháng",
        "description_vi": (
            "Những bài viết hay nhất, câu chuyện khách hàng và mẹo hay, mỗi tháng một lần."
        ),
        "name_th": "จดหมายข่าวรายเดือน",
        "description_th": "บทความเด่น เรื่องราวจากลูกค้า และเคล็ดลับ เดือนละครั้ง",
    },
    {
        "key": "product-news",
        "name": "Product news",
        "description": "New features and releases, when they ship.",
        "name_vi": "Tin sản phẩm",
        "description_vi": "Tính năng và phiên bản mới, ngay khi ra mắt.",
        "name_th": "ข่าวผลิตภัณฑ์",
        "description_th": "ฟีเจอร์และเวอร์ชันใหม่ ทันทีที่เปิดตัว",
    },
    {
        "key": "events",
        "name": "Events & webinars",
        "description": "Invitations to our webinars and events in Ho Chi Minh City and Bangkok.",
        "name_vi": "Sự kiện & hội thảo trực tuyến",
        "description_vi": (
            "Lời mời tham dự hội thảo trực tuyến và sự kiện tại TP. Hồ Chí Minh và Bangkok."
        ),
        "name_th": "อีเวนต์และเว็บบินาร์",
        "description_th": "คำเชิญเข้าร่วมเว็บบินาร์และอีเวนต์ในโฮจิมินห์ซิตี้และกรุงเทพฯ",
    },
)
# People with email consent who untick a topic on their preference centre.
CHOOSERS = 60


@demo_step("preferences", order=55)
def preferences_demo(context: DemoContext) -> dict[str, int]:
    """After contacts (their consent) and forms."""
    made = 0
    for data in DEMO_TOPICS:
        if not Topic.objects.filter(key=data["key"]).exists():
            topic_create(data=data, by=None)
            made += 1
    topics = list(Topic.objects.filter(key__in=[t["key"] for t in DEMO_TOPICS]))
    if made == 0:
        context.say("topics already there")
        return {"topics": 0, "topic_choices": 0, "unsubscribed": 0}
    consenting = list(
        Contact.objects.filter(
            consents__channel=Channel.EMAIL, consents__status=ConsentStatus.GRANTED
        ).order_by("pk")[: CHOOSERS + 50]
    )
    context.rng.shuffle(consenting)
    choosers, rest = consenting[:CHOOSERS], consenting[CHOOSERS:]
    for contact in choosers:
        unticked = context.rng.choice(topics)
        choices = {t: t is not unticked for t in topics}
        contact_topics_set(contact=contact, choices=choices, method=PREFERENCE_CENTRE, by=None)
    # One person in each of the demo's languages leaves: one from their preference centre
    # after unticking the newsletter, one with the one-click link of an email.
    leavers = 0
    for language, via in (("vi", VIA_CENTRE), ("th", VIA_ONE_CLICK)):
        leaver = next((c for c in rest if c.language == language), None)
        if leaver is None:
            continue
        rest.remove(leaver)
        if via == VIA_CENTRE:
            newsletter = next(t for t in topics if t.key == "newsletter")
            contact_topics_set(
                contact=leaver, choices={newsletter: False}, method=PREFERENCE_CENTRE, by=None
            )
        leavers += unsubscribe_all(contact=leaver, via=via)
    context.say(
        f"email topics {made}, people who chose topics {len(choosers)}, unsubscribed {leavers}"
    )
    return {"topics": made, "topic_choices": len(choosers), "unsubscribed": leavers}
