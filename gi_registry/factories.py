"""factory_boy factories for registry records (tests, benchmarks).

Records come out published (``live=True``) unless ``live=False`` is passed. Credit codes are
generated with a correct check character, so they pass ``validate_credit_code``.
"""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from .models import Authorisation, GeographicalIndication, Producer, ProductFamily, Standard, Township
from .validators import credit_code_check_character, org_code_check_character

LIANGPING_DIVISION = "500155"


def make_credit_code(n: int, category: str = "93") -> str:
    """A valid unified social credit code for Liangping, unique for each ``n``.

    ``93`` is a farmers' cooperative (农民专业合作社), ``91`` an enterprise, ``92`` an individual business.
    """
    body = f"MA{n:06d}"[-8:]
    org = body + org_code_check_character(body)
    first17 = category + LIANGPING_DIVISION + org
    return first17 + credit_code_check_character(first17)


TEST_PASSWORD = "pw-for-tests-only"  # noqa: S105


def make_user(username: str, group: str | None = None, **extra):
    """An account (password ``TEST_PASSWORD``), in the ``gi_registry.setup`` group ``group`` if given."""
    user = get_user_model().objects.create_user(username=username, password=TEST_PASSWORD, **extra)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def family(slug: str = "pomelo") -> ProductFamily:
    return ProductFamily.objects.get(slug=slug)


class GeographicalIndicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GeographicalIndication

    name = factory.Sequence(lambda n: f"梁平测试产品{n}")
    slug = factory.Sequence(lambda n: f"test-gi-{n}")
    kind = GeographicalIndication.Kind.AGRICULTURAL
    registration_number = factory.Sequence(lambda n: f"AGI{n:05d}")
    authority = "农业农村部"
    holder = "梁平区农业技术推广协会"
    product_family = factory.LazyFunction(lambda: family("pomelo"))
    registration_date = datetime.date(2008, 7, 1)
    status = GeographicalIndication.Status.REGISTERED
    live = True


class ProducerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Producer
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"梁平区测试柚子专业合作社{n}")
    credit_code = factory.Sequence(lambda n: make_credit_code(n + 1))
    kind = Producer.Kind.COOPERATIVE
    township = factory.LazyFunction(lambda: Township.objects.order_by("sort_order").first())
    address = "梁平区礼让镇川西村"
    status = Producer.Status.ACTIVE
    live = True

    @factory.post_generation
    def product_families(self, create, extracted, **kwargs):
        if create and extracted:
            self.product_families.set(extracted)
            self.save()  # a ParentalManyToManyField is written on save


class AuthorisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Authorisation

    number = factory.Sequence(lambda n: f"LPGI-2025-{n:05d}")
    producer = factory.SubFactory(ProducerFactory)
    geographical_indication = factory.SubFactory(GeographicalIndicationFactory)
    valid_from = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    valid_until = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=335))
    status = Authorisation.Status.ACTIVE
    yearly_quota = 1000
    live = True


class StandardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Standard

    code = factory.Sequence(lambda n: f"DB50/T {1000 + n}-2020")
    title = factory.Sequence(lambda n: f"梁平柚栽培技术规程 第{n}部分")
    level = Standard.Level.LOCAL
    status = Standard.Status.CURRENT
    issuing_body = "重庆市市场监督管理局"
    issued_on = datetime.date(2020, 6, 1)
    implemented_on = datetime.date(2020, 9, 1)
    live = True
