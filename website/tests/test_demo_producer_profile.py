"""The demo producer's public profile (``gi_registry/demo.py``, ``load_producer_profile``): published,
its two drawn photos in the producer's own collection, marked as demo, shown on the producer page
and its GI's page, seen as published in the demo producer's workspace, and not made twice."""

import io
import os
from unittest import mock

from django.contrib.auth import get_user_model
from django.test import TestCase
from django.urls import reverse
from django.utils import translation
from wagtail.images.models import Image
from wagtail.models import Revision

from core.demo import DEMO_IMAGE_PREFIX, DEMO_IMAGE_TAG, load_demo_data
from gi_registry import demo
from gi_registry.models import GeographicalIndication, Producer, ProducerPhoto


def load() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DEMO_USERS", "DEMO_PASSWORD")}
    with mock.patch.dict(os.environ, env, clear=True):
        load_demo_data(io.StringIO(), io.StringIO(), verbosity=0)


class DemoProducerProfile(TestCase):
    @classmethod
    def setUpTestData(cls):
        load()
        cls.producer = Producer.objects.get(credit_code=demo.DEMO_PRODUCER_ACCOUNT_FOR)
        cls.account = get_user_model().objects.get(username="producer")

    def setUp(self):
        translation.activate("zh-hans")

    def test_the_profile_is_published_with_demo_photos_from_the_producers_collection(self):
        self.assertTrue(self.producer.live and not self.producer.has_unpublished_changes)
        self.assertEqual(self.producer.genuine_box, demo.DEMO_GENUINE_BOX)
        photos = list(self.producer.profile_photos.order_by("sort_order").select_related("image"))
        self.assertEqual([p.kind for p in photos], [ProducerPhoto.Kind.PACKAGE, ProducerPhoto.Kind.MARK])
        for photo in photos:
            self.assertTrue(photo.image.title.startswith(DEMO_IMAGE_PREFIX))
            self.assertIn(DEMO_IMAGE_TAG, [t.name for t in photo.image.tags.all()])
            self.assertEqual(photo.image.collection, self.producer.media_collection.collection)

        page = self.client.get(self.producer.get_absolute_url()).content.decode()
        self.assertIn("如何识别正品包装", page)
        self.assertIn("牛皮纸色纸箱", page)
        self.assertEqual(page.count('class="story-img"'), 2)
        gi = GeographicalIndication.objects.get(slug="liangping-you")
        gi_page = self.client.get(gi.get_absolute_url()).content.decode()
        self.assertIn("如何识别正品包装", gi_page)
        self.assertIn(self.producer.name, gi_page)

        self.client.force_login(self.account)
        home = self.client.get(reverse("wagtailadmin_home")).content.decode()
        self.assertIn('data-profile-state="live"', home)
        self.assertIn(reverse("wagtailsnippets_gi_registry_producer:edit", args=[self.producer.pk]), home)

    def test_a_second_run_changes_nothing(self):
        revisions, images = Revision.objects.count(), Image.objects.count()
        photos = list(ProducerPhoto.objects.values_list("pk", flat=True))
        load()
        self.assertEqual((Revision.objects.count(), Image.objects.count()), (revisions, images))
        self.assertEqual(list(ProducerPhoto.objects.values_list("pk", flat=True)), photos)
