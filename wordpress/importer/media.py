"""Pass 2 and after: attachments and the images posts show, as image records with files.

WordPress keeps a caption with each use of an image; a use whose words differ from
the media library's gets its own record (a figure), sharing the file.
"""

import hashlib
from collections import defaultdict
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage

from blog.models import PostImage
from blog.rendering import plain_text
from core.images import strip_metadata, validate_image

from .. import addresses, content, wxr
from ..models import ImportedItem
from . import people
from .common import clean_text, one_line, update

Kind = ImportedItem.Kind
IMAGE_EXTENSIONS = {".jpg", ".jpeg", ".png", ".gif", ".webp"}


def import_attachments(state):
    for key, row in state.known(Kind.FILE).items():
        if row.image_id:
            state.files[key] = row.image
    known = state.known(Kind.ATTACHMENT)
    with state.read(1) as source:
        for record in wxr.read(source):
            if isinstance(record, wxr.Item) and record.type == "attachment":
                state.guarded(record.label, "attachment", _import_attachment, state, record, known)


def _import_attachment(state, item, known):
    key = addresses.upload_key(item.attachment_url) or item.meta.get("_wp_attached_file", "")
    if PurePosixPath(key).suffix.lower() not in IMAGE_EXTENSIONS:
        state.report.count("attachment", "skipped")
        state.report.problem(
            item.label,
            f"not an image ({PurePosixPath(key).suffix or 'no extension'}); "
            f"links to it keep the old address {item.attachment_url}.",
        )
        return
    caption, credit = content.split_credit(one_line(plain_text(item.excerpt)))
    wanted = {
        "alt_text": clean_text(item.meta.get("_wp_attachment_image_alt", ""))[:300]
        or clean_text(item.title)[:300]
        or PurePosixPath(key).stem[:300],
        "caption": caption[:500],
        "credit": credit[:300],
        "description": one_line(plain_text(item.content)),
    }
    row = known.get(str(item.wp_id))
    record = row.image if row else None
    if record is None:
        record = PostImage(uploaded_by=people.author_of(state, state.entries[item.wp_id]), **wanted)
        _attach_file(state, record, item, key)
        record.save(rerender_posts=False)
        outcome = "imported"
    else:
        outcome = update(record, wanted, save=False)
        if not record.image and _attach_file(state, record, item, key):
            outcome = "updated"
        if outcome == "updated":
            record.save(rerender_posts=False)
    state.images[item.wp_id] = record
    if key:
        state.files[key] = record
        state.remember(Kind.FILE, key, image=record)
    state.remember(
        Kind.ATTACHMENT,
        item.wp_id,
        image=record,
        old_path=addresses.old_path(item.link),
        guid=item.guid,
    )
    state.report.count("attachment", outcome)


def _attach_file(state, record, item, key):
    """Copy the image's file from the media folder into storage; False if it is missing."""
    found = _find_media(state, key, item.meta.get("_wp_attached_file", ""))
    label = item.label
    if found is None:
        state.report.problem(
            label,
            f"image file {key or item.attachment_url} not found "
            "in the media folder; its figure shows the caption only.",
        )
        return False
    with found.open("rb") as handle:
        upload = File(handle, name=found.name)
        try:
            validate_image(upload)
            if state.dry_run:
                return True
            # Stored upright and without its EXIF (a GPS position, above all).
            stored = strip_metadata(upload)
        except ValidationError as error:
            state.report.problem(label, f"image file {found} refused: {' '.join(error)}")
            return False
        name = default_storage.save(f"images/{key}", stored)
    state.stored_files.append(name)
    record.image = name
    return True


def _find_media(state, *keys):
    if state.media_dir is None:
        return None
    for key in keys:
        if key and (state.media_dir / key).is_file():
            return state.media_dir / key
    if state.media_index is None:
        # A WordPress.com media export may not keep the year/month folders.
        state.media_index = defaultdict(list)
        for path in state.media_dir.rglob("*"):
            if path.is_file():
                state.media_index[path.name].append(path)
    for key in keys:
        candidates = state.media_index.get(PurePosixPath(key).name) if key else None
        if candidates:
            return candidates[0]
    return None


def image_for(state, item, ref):
    """The image record a picture in the content stands for, or None if it is not ours.

    WordPress keeps a caption with each use of an image, which may differ from the
    media library's: a use with other words gets its own record, sharing the file.
    """
    record = state.images.get(ref.attachment_id) if ref.attachment_id else None
    key = addresses.upload_key(ref.url)
    if record is None and key:
        record = state.files.get(key)
    if record is None:
        if not key or not addresses.is_old_site(ref.url, state.hosts):
            return None
        record = PostImage(
            alt_text=(ref.alt or PurePosixPath(key).stem)[:300],
            caption=ref.caption[:500],
            credit=ref.credit[:300],
            uploaded_by=people.author_of(state, state.entries[item.wp_id]),
        )
        _attach_file(state, record, item, key)
        record.save(rerender_posts=False)
        state.files[key] = record
        state.remember(Kind.FILE, key, image=record)
    words = {
        "alt_text": (ref.alt or record.alt_text)[:300],
        "caption": ref.caption[:500],
        "credit": ref.credit[:300],
    }
    if any(getattr(record, name) != value for name, value in words.items()):
        record = _variant(state, record, words, ref.attachment_id or key)
    if record.post_id is None and item.type == "post" and item.wp_id in state.posts:
        record.post = state.posts[item.wp_id]
        record.save(rerender_posts=False, update_fields=["post"])
    return record.pk


def _variant(state, record, words, source):
    """A record for one use of an image with its own words; found again on the next run."""
    digest = hashlib.sha256("\x00".join(words.values()).encode()).hexdigest()[:16]
    key = f"{source}:{digest}"
    if key not in state.variants:
        row = state.known(Kind.FIGURE).get(key)
        variant = row.image if row is not None else None
        if variant is None:
            variant = PostImage(
                image=record.image.name,
                renditions=record.renditions,
                description=record.description,
                uploaded_by=record.uploaded_by,
                **words,
            )
            variant.save(rerender_posts=False)
            state.remember(Kind.FIGURE, key, image=variant)
        state.variants[key] = variant
    return state.variants[key]
