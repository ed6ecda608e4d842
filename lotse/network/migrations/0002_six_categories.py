"""The six categories of the Ludwigsburg network (Arbeit, Beratung, Blaulicht, Engagement, Sprache/Bildung,
Kunst und Kultur), named in every public language. Administrators add more."""

from django.db import migrations

CATEGORIES = [
    (
        "arbeit",
        "Arbeit",
        {"en": "Work", "ar": "العمل", "fa": "کار", "uk": "Робота", "ru": "Работа", "tr": "İş"},
    ),
    (
        "beratung",
        "Beratung",
        {
            "en": "Counselling",
            "ar": "الاستشارة",
            "fa": "مشاوره",
            "uk": "Консультації",
            "ru": "Консультации",
            "tr": "Danışmanlık",
        },
    ),
    (
        "blaulicht",
        "Blaulicht",
        {
            "en": "Emergency services",
            "ar": "خدمات الطوارئ",
            "fa": "خدمات اضطراری",
            "uk": "Екстрені служби",
            "ru": "Экстренные службы",
            "tr": "Acil servisler",
        },
    ),
    (
        "engagement",
        "Engagement",
        {
            "en": "Volunteering",
            "ar": "العمل التطوعي",
            "fa": "مشارکت داوطلبانه",
            "uk": "Волонтерство",
            "ru": "Волонтёрство",
            "tr": "Gönüllülük",
        },
    ),
    (
        "sprache-bildung",
        "Sprache/Bildung",
        {
            "en": "Language and education",
            "ar": "اللغة والتعليم",
            "fa": "زبان و آموزش",
            "uk": "Мова та освіта",
            "ru": "Язык и образование",
            "tr": "Dil ve eğitim",
        },
    ),
    (
        "kunst-kultur",
        "Kunst und Kultur",
        {
            "en": "Arts and culture",
            "ar": "الفن والثقافة",
            "fa": "هنر و فرهنگ",
            "uk": "Мистецтво і культура",
            "ru": "Искусство и культура",
            "tr": "Sanat ve kültür",
        },
    ),
]


def create(apps, schema_editor):
    ActorCategory = apps.get_model("network", "ActorCategory")
    for position, (slug, name, translations) in enumerate(CATEGORIES, start=1):
        ActorCategory.objects.get_or_create(
            slug=slug, defaults={"name": name, "translations": translations, "position": position * 10}
        )


def remove(apps, schema_editor):
    apps.get_model("network", "ActorCategory").objects.filter(slug__in=[c[0] for c in CATEGORIES]).delete()


class Migration(migrations.Migration):
    dependencies = [("network", "0001_initial")]

    operations = [migrations.RunPython(create, remove)]
