"""Categories and pages are trees addressed by their path."""

import pytest
from django.core.exceptions import ValidationError

from . import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("slug", ["admin", "category", "tag", "comments", "2024"])
def test_top_level_pages_cannot_take_addresses_the_site_uses(slug):
    page = factories.page("About")
    page.slug = slug

    with pytest.raises(ValidationError) as raised:
        page.full_clean()

    assert "slug" in raised.value.message_dict


def test_reserved_words_are_fine_below_a_parent():
    about = factories.page("About")
    child = factories.page("Tag", parent=about)

    child.full_clean()

    assert child.path == "about/tag"


@pytest.mark.parametrize("make", [factories.category, factories.page])
def test_a_node_cannot_be_inside_itself(make):
    top = make("Top")
    child = make("Child", parent=top)
    top.parent = child

    with pytest.raises(ValidationError) as raised:
        top.full_clean()

    assert "cannot be inside itself" in str(raised.value)


@pytest.mark.parametrize("make", [factories.category, factories.page])
def test_siblings_cannot_share_an_address(make):
    top = make("Top")
    make("Child", parent=top)
    twin = make("Other", parent=top)
    twin.slug = "child"

    with pytest.raises(ValidationError) as raised:
        twin.full_clean()

    assert "already exists" in str(raised.value)


def test_renaming_a_category_moves_its_sub_categories(client, author):
    region = factories.category("Region")
    africa = factories.category("Africa", parent=region)
    factories.post("Sahel", author=author, categories=[africa])

    region.slug = "regions"
    region.save()

    africa.refresh_from_db()
    assert africa.path == "regions/africa"
    assert client.get("/category/regions/africa/").status_code == 200
