"""`{% kept "name" arg… %}…{% endkept %}`: a fragment that is the same for every viewer,
made once and kept under the content generation.

Whatever changes what the fragment shows bumps the generation, so a kept fragment is
never stale; the key also holds the site's scheme and host, for absolute URLs. Put
nothing personal inside: no user, form, CSRF token or message.
"""

from django import template

from core import generation

register = template.Library()

# Long enough to spare the work under load; the generation makes it stale sooner.
KEPT_SECONDS = 600


class KeptNode(template.Node):
    def __init__(self, nodelist, parts):
        self.nodelist = nodelist
        self.parts = parts

    def render(self, context):
        parts = [part.resolve(context) for part in self.parts]
        request = context.get("request")
        origin = f"{request.scheme}://{request.get_host()}" if request is not None else ""
        name, *rest = parts
        return generation.kept(
            (name, origin, *rest), lambda: self.nodelist.render(context), KEPT_SECONDS
        )


@register.tag
def kept(parser, token):
    parts = token.split_contents()[1:]
    if not parts:
        raise template.TemplateSyntaxError("{% kept %} needs a name, then what tells it apart.")
    nodelist = parser.parse(("endkept",))
    parser.delete_first_token()
    return KeptNode(nodelist, [parser.compile_filter(part) for part in parts])
