"""Trees of addresses ("parent-slug/child-slug"), which categories and pages are, and what
their Markdown may hold."""

from django.core.exceptions import ValidationError
from django.db import models, transaction

from ..rendering import markdown_problem


def check_markdown(instance, *fields):
    """Refuse Markdown too long or too deep to render quickly, saying why (the form keeps
    the text)."""
    problems = {name: markdown_problem(getattr(instance, name)) for name in fields}
    if any(problems.values()):
        raise ValidationError({name: problem for name, problem in problems.items() if problem})


class PathTree(models.Model):
    """A node of a tree that lives at "parent-slug/child-slug" (categories, pages)."""

    class Meta:
        abstract = True

    def computed_path(self):
        return f"{self.parent.path}/{self.slug}" if self.parent_id else self.slug

    def clean_tree(self, noun):
        node = self.parent
        while node is not None:
            if self.pk is not None and node.pk == self.pk:
                raise ValidationError({"parent": f"A {noun} cannot be inside itself."})
            node = node.parent
        if type(self).objects.filter(path=self.computed_path()).exclude(pk=self.pk).exists():
            raise ValidationError({"slug": f"A {noun} with this address already exists."})

    def save_tree(self, *args, **kwargs):
        """Save, and when the path changed, move the children along."""
        old_path = self.path
        self.path = self.computed_path()
        with transaction.atomic():
            super().save(*args, **kwargs)
            if old_path and old_path != self.path:
                for child in self.children.all():
                    child.save()
