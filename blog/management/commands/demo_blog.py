# ruff: noqa: E501 - the essays below are Markdown, one paragraph to a line.
"""`manage.py demo_blog`: fill an empty site with a realistic blog.

The blog of an invented association publishing essays on peace and diplomacy:
authors, a category tree, posts in every state, images drawn with Pillow,
pages, the site's settings and its header navigation.

Every object is found by a natural key (username, category path, author and
post slug, page path, post and image alt text, navigation target) and only
created when it is missing; anything that exists, whether it is ours or not,
is left as it is, and of the site settings only the fields still blank (or the
default title) are filled in. A post's images, tags, categories and picks are
made with the post. A second run therefore creates and changes nothing, except
that `--admin-login` gives the "admin" superuser a new password each time.

The blog app knows nothing of comments: `manage.py demo_content` (the comments
app's command) runs this one and adds the discussions under the posts.
"""

import io
import math
import random
import re
import secrets
import textwrap
from collections import Counter
from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from PIL import Image, ImageDraw

from accounts import roles
from blog.models import Category, NavigationItem, Page, Post, PostImage, SiteSettings

# Size of the generated JPEGs; tests make it smaller to stay quick.
IMAGE_SIZE = (1600, 1000)
# Where the printed admin login points unless --site-url says otherwise.
SITE_URL = "http://127.0.0.1:8000"
ADMIN_USERNAME = "admin"


def _md(text):
    return textwrap.dedent(text).strip() + "\n"


SITE = {
    "title": "The Official Blog of the Geneva Association for Dialogue",
    "tagline": "Essays on peace, negotiation and the patient work of dialogue",
    "footer_text": _md(
        """
        Essays on this blog reflect the views of their authors, not necessarily those of the Geneva Association for Dialogue.
        [About us](/about/) · [Contact](/contact/)
        """
    ),
}

PEOPLE = [
    {
        "username": "helena.marchetti",
        "role": roles.AUTHORS,
        "first_name": "Helena",
        "last_name": "Marchetti",
        "display_name": "Helena Marchetti",
        "email": "helena.marchetti@example.org",
        "website": "https://helena-marchetti.example.org/",
        "bio": "Helena Marchetti spent twenty years as a diplomat before turning to unofficial dialogue. She directs the Association's track two programme and writes about negotiation, hospitality and the uses of silence.",
    },
    {
        "username": "kwame.mensah",
        "role": roles.AUTHORS,
        "first_name": "Kwame",
        "last_name": "Mensah",
        "display_name": "Kwame Mensah",
        "email": "kwame.mensah@example.org",
        "website": "https://kwame-mensah.example.org/",
        "bio": "Kwame Mensah is a researcher in conflict resolution who has worked alongside community mediators in West and East Africa. He teaches a seminar on ceasefires and chairs the Association's training committee.",
    },
    {
        "username": "leyla.karimi",
        "role": roles.AUTHORS,
        "first_name": "Leyla",
        "last_name": "Karimi",
        "display_name": "Leyla Karimi",
        "email": "leyla.karimi@example.org",
        "website": "https://leyla-karimi.example.com/",
        "bio": "Leyla Karimi is a poet, a translator and the Association's cultural programmes officer. Her work explores what happens to meaning when it crosses a border. She runs our writers' residency each autumn.",
    },
    {
        "username": "tomas.lindqvist",
        "role": roles.EDITORS,
        "first_name": "Tomas",
        "last_name": "Lindqvist",
        "display_name": "Tomas Lindqvist",
        "email": "tomas.lindqvist@example.org",
        "website": "https://example.org/tomas-lindqvist/",
        "bio": "Tomas Lindqvist edits this blog and the Association's other publications. Before joining the Association he was a foreign correspondent for a Nordic news agency.",
    },
]

# (name, slug, parent slug, description), parents first.
CATEGORIES = [
    (
        "Diplomacy",
        "diplomacy",
        None,
        "How states and peoples talk to each other, officially and otherwise.",
    ),
    (
        "Track Two Diplomacy",
        "track-two-diplomacy",
        "diplomacy",
        "Unofficial dialogue between influential people on opposite sides of a conflict.",
    ),
    (
        "Negotiation",
        "negotiation",
        "diplomacy",
        "The craft of reaching agreement: method, setting and language.",
    ),
    (
        "Conflict Resolution",
        "conflict-resolution",
        None,
        "Mediation, ceasefires, reconciliation and the long road after the signing.",
    ),
    (
        "Middle East",
        "middle-east",
        "conflict-resolution",
        "Dialogue work in and about the Middle East.",
    ),
    (
        "Africa",
        "africa",
        "conflict-resolution",
        "Peace-making traditions and practice across the African continent.",
    ),
    ("Culture", "culture", None, "Poetry, translation, memory and the arts of living together."),
    (
        "Association News",
        "association-news",
        None,
        "Events, programmes and reports from the Association.",
    ),
]

# The drawing (see DRAWINGS) -> (filename, alt text, caption, credit).
IMAGES = {
    "lake": (
        "demo-lake-at-dusk.jpg",
        "A lake at dusk, with mountains behind and the low sun reflected in the water",
        "Evening over the lake, where the Association held its first dialogue in 1987.",
        "Illustration: Mirela Kostić © Colloquy Archive",
    ),
    "table": (
        "demo-round-table.jpg",
        "A round table seen from above, with ten chairs spaced evenly around it",
        "The round table: no head, no foot, and no one seated below the salt.",
        "Photo: Daniel Osei © Geneva Association for Dialogue",
    ),
    "acacia": (
        "demo-meeting-tree.jpg",
        "A flat-topped acacia tree in silhouette against a pale morning sky",
        "Many communities still settle their disputes in the shade of a meeting tree.",
        "Photo: Grace Wanjiru © Lakeside Press Agency",
    ),
    "olive": (
        "demo-olive-branch.jpg",
        "An olive branch with narrow grey-green leaves and dark fruit on a cream background",
        "The oldest emblem of the trade, and still the most misunderstood.",
        "Drawing: Leyla Karimi © Colloquy Archive",
    ),
    "windows": (
        "demo-offices-at-night.jpg",
        "An office building at night under a crescent moon, some of its windows lit",
        "The Association's offices on the evening of a dialogue session.",
        "Photo: Jonas Weber © Colloquy Archive",
    ),
    "bridge": (
        "demo-stone-bridge.jpg",
        "A humped stone bridge crossing a river at dusk, with houses on the far bank",
        "A bridge is an invitation; crossing it is another matter.",
        "Photo: Amira Haddad © Colloquy Archive",
    ),
}

# A paragraph of its own like [[lake]] becomes that image's figure.
IMAGE_PLACEHOLDER = re.compile(r"\[\[(\w+)\]\]")

PUBLISHED, DRAFT, PENDING = Post.Status.PUBLISHED, Post.Status.DRAFT, Post.Status.PENDING

# "days" is relative to today: negative for the past, positive schedules the post.
POSTS = [
    {
        "slug": "why-we-still-talk",
        "title": "Why We Still Talk: The Quiet Case for Track Two Diplomacy",
        "author": "helena.marchetti",
        "status": PUBLISHED,
        "days": -160,
        "sticky": True,
        "categories": ["diplomacy/track-two-diplomacy"],
        "tags": ["Track Two", "Mediation", "Dialogue"],
        "featured": "lake",
        "related": ["the-tracks-of-diplomacy-compared", "the-long-walk"],
        "excerpt": "When official negotiations stall, unofficial conversations keep the lines open. Why track two diplomacy matters, and what makes it more than a talking shop.",
        "body": """
            When official negotiations stall, the lines between capitals rarely go completely dead. Somewhere, a retired ambassador is having coffee with a professor from the other side; a former general is comparing notes with a journalist he once considered an enemy. None of them can sign anything. That is precisely why they are useful.

            The term "track two" was coined to describe these unofficial channels: conversations between people who are close enough to power to be heard, and far enough from it to speak freely.[^1] Their purpose is not to replace diplomacy but to prepare the ground for it, testing ideas that no minister could float without being accused of weakness.

            [[table]]

            > In an official room, every sentence is a position. In our rooms, a sentence is allowed to be a question.
            >
            > --- from the notebook of a participant in the Association's Lakeside Dialogue

            The work is slow and mostly invisible. A typical series of meetings produces no communiqué, only a handful of shared understandings: that a certain phrase is offensive to the other side, that a proposal everyone assumed was impossible is in fact merely unpopular, that the person across the table has children, fears and a sense of humour. These are small things. Agreements are built out of small things.

            Critics say track two is a talking shop for the well-connected, and sometimes they are right. Its value depends on discipline: clear ground rules, a careful choice of participants, and a steady link back to the people who do make decisions.[^2] Without those, it is conversation. With them, it can be the first draft of a settlement.

            [^1]: The phrase is usually credited to American diplomats writing in the early 1980s, who set official, government-to-government "track one" talks apart from this second, informal channel.

            [^2]: Our own ground rules are summarised on the [About](/about/) page.
        """,
    },
    {
        "slug": "the-long-walk",
        "title": "The Long Walk: What Informal Settings Do for Negotiators",
        "author": "helena.marchetti",
        "status": PUBLISHED,
        "days": -131,
        "categories": ["diplomacy/negotiation"],
        "tags": ["Negotiation", "Informal Talks", "History"],
        "excerpt": "Some conversations only happen side by side. On walks, corridors and the art of scheduling a long break.",
        "body": """
            There is a particular kind of conversation that only happens side by side. Two negotiators walking along a lake, or sharing the back seat of a car on the way to the airport, do not have to look at each other. They look at the path. Freed from the theatre of the table, they can say things that would never survive a formal session with note-takers present.

            Diplomatic history is full of such moments. Delegations have found unexpected room for manoeuvre during a stroll through a garden, on a long train journey, or over a late meal after the interpreters had gone home. Agreements reached this way do not always hold---principals sometimes reject what their envoys discuss---but they reveal something important: the shape of a possible deal often exists long before anyone is allowed to admit it.

            > We walked for two hours and agreed on nothing. But on the way back he told me which of his red lines were painted on, and which were carved in stone.
            >
            > --- a mediator interviewed for our oral history project

            The lesson for practitioners is not to abandon formal talks but to design around their limits. A good facilitator schedules breaks that are long enough to matter, chooses venues with somewhere to walk, and resists the urge to fill every silence. The agenda is important; so is the corridor.
        """,
    },
    {
        "slug": "listening-before-speaking",
        "title": "Listening Before Speaking: Five Habits of Effective Mediators",
        "author": "kwame.mensah",
        "status": PUBLISHED,
        "days": -104,
        "categories": ["diplomacy/negotiation", "conflict-resolution"],
        "tags": ["Mediation", "Listening", "Practice"],
        "excerpt": "The best mediators rarely share a style, but they do share habits. Five of them, and why they can be learned.",
        "body": """
            Over the past fifteen years I have watched dozens of mediators at work, in village halls and in hotel conference rooms. The best of them rarely share a style. Some are warm and talkative, others almost silent. But they share habits, and habits can be learned.

            1. **They summarise before they respond.** Restating what a party has said, in words that party would accept, is the most powerful tool a mediator has. It proves that someone was listening.
            2. **They separate the story from the demand.** "We want the checkpoint removed" is a demand; "our children are searched like criminals on their way to school" is the story underneath it. Stories leave more room to move.
            3. **They protect face.** Nobody concedes in public if conceding means humiliation. Good mediators build exits that let each side say it has won something.
            4. **They tolerate silence.** The pause after a hard question is where people think. Filling it is a gift to whoever wants to avoid answering.
            5. **They keep their own opinions for later.** Parties can sense a mediator's preferred outcome, and once they do, they stop confiding.

            None of this is glamorous. It is closer to craft than to genius, which is encouraging: it means the next generation of mediators can be trained, not merely hoped for.
        """,
    },
    {
        "slug": "shared-water-separate-stories",
        "title": "Shared Water, Separate Stories: Notes from a Workshop on the Jordan Basin",
        "author": "helena.marchetti",
        "status": PUBLISHED,
        "days": -90,
        "categories": ["conflict-resolution/middle-east"],
        "tags": ["Water", "Environment", "Workshops"],
        "excerpt": "Engineers, farmers and officials agreed on the numbers. The harder conversation was about memory.",
        "body": """
            Water is the most practical of subjects and the most emotional. In a three-day workshop we hosted this spring, engineers, farmers and municipal officials from across the basin sat together to discuss something deceptively simple: how much water there is, and who remembers it differently.

            The technical sessions went better than anyone expected. Hydrologists from different communities, it turned out, largely agree on the data: the flows, the falling aquifers, the effects of a hotter climate. The disagreements began when the conversation moved from measurements to memory---to the spring a grandfather used to drink from, or the orchard that dried up in a particular year.

            > The numbers belong to everyone. The loss belongs to each of us separately.

            That sentence, offered by one of the farmers on the second evening, became a kind of motto for the rest of the workshop. It named the reason technical cooperation so often stalls: every proposal for sharing a resource is also, implicitly, a judgement about the past.

            We did not resolve that tension, and we did not try to. What the participants produced instead was modest and, we think, durable: a shared glossary of terms that each community could use without feeling it had conceded its history,[^1] and an agreement to meet again next year.

            [^1]: The glossary is available to researchers on request. Its value lies less in the definitions than in the arguments that produced them.
        """,
    },
    {
        "slug": "elders-under-the-tree",
        "title": "Elders Under the Tree: Traditional Reconciliation and Its Limits",
        "author": "kwame.mensah",
        "status": PUBLISHED,
        "days": -75,
        "categories": ["conflict-resolution/africa", "conflict-resolution"],
        "tags": ["Reconciliation", "Community", "Tradition"],
        "featured": "acacia",
        "excerpt": "Long before there were courts, disputes were settled in the shade. What community reconciliation offers, and whom it leaves out.",
        "body": """
            In many communities across the continent, disputes were settled long before there were courts to settle them. Elders gathered under a large tree, the parties spoke in turn, and the outcome was judged less by who was right than by whether the two families could live side by side afterwards.

            These practices go by many names and take many forms, and it is a mistake to romanticise them. Traditional forums can exclude women and young people; they can reflect the interests of whoever holds the land and the cattle. And they were never designed for crimes on the scale that some societies have had to confront after mass violence.

            Yet they carry an insight that formal justice often loses: the goal of resolving a conflict is a restored relationship, not simply a verdict. Several post-conflict programmes in recent decades have tried to combine the two, adapting community hearings for lesser offences while courts handle the gravest ones. The results are mixed and fiercely debated, which is itself a sign of how much is at stake.

            For those of us who work from offices in Geneva, the lesson is humility. The tools for making peace already exist in most communities. Our task is to support them---carefully, and with a clear eye for who they leave out.
        """,
    },
    {
        "slug": "minutes-of-a-meeting-that-did-not-happen",
        "title": "Minutes of a Meeting That Did Not Happen",
        "author": "leyla.karimi",
        "status": PUBLISHED,
        "days": -61,
        "categories": ["culture"],
        "tags": ["Poetry", "Culture"],
        "featured": "olive",
        "excerpt": "A poem from our autumn writers' residency, written in answer to the word *agenda*.",
        "body": """
            This poem was written during the long evenings of our autumn residency, when the writers in the group were asked to respond to the word *agenda*.

            ```poem
            Item one: the weather.
                We agreed it had been cold.
                We did not agree on who had left the door open.

            Item two: the map.
                Your river is my border.
                My mountain is your view.
                We folded it in four and ordered tea.

            Item three: the children.
                No one spoke for a long time.
                Then everyone spoke at once,
                    and for once it was the same sentence.

            Any other business:
                the light through the window,
                the chairs we had not thrown,
                the next date, pencilled in.
            ```

            I like poems that pretend to be documents, because so much of peace-making *is* documents: drafts, minutes, non-papers, statements that "welcome" things. Underneath the language, real people are deciding whether to trust each other. The poem tries to listen to that undertone.
        """,
    },
    {
        "slug": "translation-is-a-peace-process",
        "title": "Translation Is a Peace Process",
        "author": "leyla.karimi",
        "status": PUBLISHED,
        "days": -47,
        "categories": ["culture", "diplomacy/negotiation"],
        "tags": ["Translation", "Language", "Negotiation"],
        "excerpt": "Whoever controls the words has already shaped the room. On interpreters, drafters and constructive ambiguity.",
        "body": """
            Every interpreter knows the moment. A delegate says something sharp, and for half a second the interpreter must decide how sharp to make it in the other language. Too soft, and the speaker's meaning is betrayed; too hard, and the room may not recover.

            Consider a word like "concession". In one language it can sound reasonable, even generous; in another it carries a hint of surrender. A draft that speaks of "arrangements" rather than "concessions" may be accepted by both sides for entirely different reasons.[^1] This is sometimes called constructive ambiguity, and diplomats rely on it more than they like to admit.

            Translators of peace agreements face a harder version of the same problem. A text with two or three authentic language versions must mean the same thing in all of them---or, when that is impossible, it must be vague in the same places.[^2]

            > A good translation does not make the other side agree with you. It makes sure they know what they are disagreeing with.

            We sometimes treat language as a neutral pipe through which positions flow. It is nothing of the kind. The first step in any serious dialogue is agreeing on what we will call things.

            [^1]: The example is simplified, but versions of it recur in the memoirs of professional interpreters.

            [^2]: Many treaties say which language version prevails in case of doubt; when none does, the ambiguity is at least shared equally.
        """,
    },
    {
        "slug": "the-tracks-of-diplomacy-compared",
        "title": "Track One, Two, Three: The Tracks of Diplomacy Compared",
        "author": "helena.marchetti",
        "status": PUBLISHED,
        "days": -38,
        "categories": ["diplomacy", "diplomacy/track-two-diplomacy"],
        "tags": ["Track Two", "Diplomacy", "Explainer"],
        "related": ["why-we-still-talk"],
        "excerpt": "Readers new to the field often ask what the “tracks” of diplomacy are. A short comparison, in one table.",
        "body": """
            Readers new to the field often ask what the "tracks" of diplomacy actually are. The labels are imperfect, and practitioners argue about where one ends and the next begins, but the basic distinctions are useful. Here is a simple comparison.

            | Track | Who takes part | Typical setting | Strength | Risk |
            |:------|:---------------|:----------------|:---------|:-----|
            | One | Governments and their official envoys | Formal negotiations, summits | Can make binding commitments | Positions harden in public |
            | One and a half | Officials in a personal capacity, with non-official facilitators | Private retreats | Ideas meet decision-makers early | Deniability is fragile |
            | Two | Influential non-officials: former officials, academics, journalists | Workshops and dialogues | Freedom to explore | Distance from power |
            | Three | Community groups and ordinary citizens | Local meetings, joint projects | Roots peace in daily life | Hard to scale |

            In practice the tracks work best when they are connected. A breakthrough in a track two workshop is worthless unless someone carries it back to an official, and a signed agreement collapses if the communities it affects were never consulted. Some writers speak of "multi-track diplomacy" to capture this, and the term has stuck for good reason.

            Our Association works mostly in tracks two and three, but we judge our success by what happens in track one.
        """,
    },
    {
        "slug": "autumn-dialogue-series",
        "title": "Autumn Dialogue Series: Programme and Registration",
        "author": "tomas.lindqvist",
        "status": PUBLISHED,
        "days": -26,
        "categories": ["association-news"],
        "tags": ["Events", "Association"],
        "featured": "windows",
        "excerpt": "Four evening conversations at our offices and online, each pairing a practitioner with a writer or researcher.",
        "body": """
            Our autumn series returns with four evening conversations at the Association's offices and online. Each session pairs a practitioner with a writer or researcher and leaves at least half the time for questions from the audience.

            - **Week one:** "Back Channels", on what makes an unofficial dialogue trustworthy.
            - **Week two:** "Words at the Table", with two conference interpreters on the ethics of translation.
            - **Week three:** "After the Signing", on why so many agreements falter in their first two years.
            - **Week four:** "Young Mediators", a panel of fellows from our training programme.

            Sessions begin at 18:30 Central European Time and last ninety minutes. Attendance is free, but places in the room are limited and members receive priority registration. Recordings will be published on this blog, with the speakers' permission.

            Questions about access or interpretation can be sent through the [Contact](/contact/) page.
        """,
    },
    {
        "slug": "a-year-of-quiet-work",
        "title": "A Year of Quiet Work: The Association's Annual Report",
        "author": "tomas.lindqvist",
        "status": PUBLISHED,
        "days": -17,
        "categories": ["association-news"],
        "tags": ["Annual Report", "Association"],
        "excerpt": "Most of our work is confidential by design. What we can share of the past year: the outlines, the numbers and some changes of direction.",
        "body": """
            Every year we try to summarise work that, by design, leaves few traces. Most of our dialogues are confidential, and participants take part on the understanding that they will not be named. What we can share are the outlines.

            | Activity | This year | Last year |
            |:---------|----------:|----------:|
            | Dialogue meetings convened | 23 | 19 |
            | Participants from conflict-affected regions | 214 | 176 |
            | Mediators trained | 48 | 41 |
            | Essays published on this blog | 37 | 29 |

            Behind the numbers are some changes of direction. We have moved more of our budget towards local facilitators, who understand their context in ways that visiting experts cannot. We have also opened our training programme to journalists, after several participants told us that the way a conflict is reported shapes what negotiators believe is politically possible.

            The full report, with audited accounts, is available to members. We are grateful to the foundations and individual donors who make this work possible, and to the participants who trust us with their time.
        """,
    },
    {
        "slug": "what-ceasefires-teach-us",
        "title": "What Ceasefires Teach Us About Patience",
        "author": "kwame.mensah",
        "status": PUBLISHED,
        "days": -9,
        "categories": ["conflict-resolution"],
        "tags": ["Ceasefires", "Mediation", "Patience"],
        "body": """
            A ceasefire is the least ambitious kind of agreement and, often, the most fragile. It does not settle who governs, who owns the land, or who will be held accountable. It only says: for now, stop. And yet without it, none of the larger questions can even be asked.

            People who have monitored ceasefires describe a recurring pattern. The first violations are rarely ordered from the top; they come from local commanders, a misunderstanding at a checkpoint, a patrol that strays across an unmarked line. What happens next depends on whether there is a mechanism---a hotline, a joint committee, a trusted third party---to investigate before retaliation becomes a matter of honour.

            > Peace did not break down on the day of the shooting. It broke down on the day after, when nobody picked up the phone.

            The patience a ceasefire demands is not passive. It means building dull, dependable institutions: maps that everyone accepts, procedures for reporting, and people on each side who know each other's names. These are the unglamorous foundations on which every more ambitious settlement rests.
        """,
    },
    {
        "slug": "on-bridges",
        "title": "On Bridges",
        "author": "leyla.karimi",
        "status": PUBLISHED,
        "days": -3,
        "categories": ["culture", "conflict-resolution"],
        "tags": ["Reconstruction", "Memory", "Culture"],
        "excerpt": "A rebuilt bridge is one of the strongest images of reconciliation. But a bridge, like an agreement, is only an invitation.",
        "body": """
            Few images of reconciliation are as powerful as a rebuilt bridge. When a bridge is destroyed in war, more than a crossing is lost: the two banks of a town become, for a while, two towns. When it is rebuilt, the ceremony is often attended by people who have not spoken to each other in years.

            [[bridge]]

            But a bridge, like an agreement, is only an invitation. Rebuilding the stones is an engineering problem; persuading people to cross is a different one entirely. In several cities that rebuilt their landmarks after a war, residents describe a period---sometimes years long---when the bridge stood finished and few people used it.

            What finally changes this is rarely a grand gesture. It is a market that sets up on one side, a school that draws pupils from both, a football match, a funeral that friends from across the river feel obliged to attend. The bridge makes these things possible. It cannot make them happen.

            I think of this whenever we are tempted to treat a signed document as the end of the story. The document is the bridge. The crossing is still to come.
        """,
    },
    {
        "slug": "spring-fellowship-in-mediation",
        "title": "Announcing the Spring Fellowship in Mediation",
        "author": "tomas.lindqvist",
        "status": PUBLISHED,
        "days": 4,
        "categories": ["association-news"],
        "tags": ["Fellowship", "Training", "Association"],
        "excerpt": "A twelve-week programme for early-career mediators and dialogue facilitators. Applications open next month.",
        "body": """
            Applications open next month for the Association's spring fellowship, a twelve-week programme for early-career mediators and dialogue facilitators.

            Fellows spend six weeks in Geneva attending seminars and observing dialogue sessions, followed by six weeks of supervised practice with one of our partner organisations. The programme covers travel, accommodation and a modest stipend.

            We particularly welcome applications from people working in their own communities, and from those whose first language is neither English nor French. Details of eligibility and the selection timetable will be published here when applications open.
        """,
    },
    {
        "slug": "notes-towards-an-essay-on-apology",
        "title": "Notes Towards an Essay on Apology",
        "author": "leyla.karimi",
        "status": DRAFT,
        "days": -1,
        "categories": ["culture"],
        "tags": ["Apology", "Memory"],
        "body": """
            *Working notes, not ready for publication.*

            - Public apologies by states: when do they help, and when do they reopen wounds?
            - The difference between "we regret" and "we apologise", and why drafters fight over it.
            - Apology as a beginning rather than an ending: what has to follow for it to mean anything?

            An apology is a strange act of speech: it changes nothing in the past and yet can change a great deal about the future.
        """,
    },
    {
        "slug": "hospitality-as-diplomacy",
        "title": "Hospitality as Diplomacy: The Politics of the Shared Meal",
        "author": "helena.marchetti",
        "status": PENDING,
        "days": -2,
        "categories": ["diplomacy", "culture"],
        "tags": ["Hospitality", "Diplomacy", "Culture"],
        "excerpt": "A meal can accomplish what a meeting cannot---as long as no one is quite sure who the host is.",
        "body": """
            Almost every culture has rules about what happens when a guest sits down to eat. Some forbid harming anyone who has shared your bread; others expect the host to serve the visitor first and best. Diplomats have always known that a meal can accomplish what a meeting cannot.

            At our own dialogues, the shared meal is not a break from the work but part of it. Participants who have spent a day restating positions often discover over dinner that they have a great deal in common: children at university, ageing parents, a taste for the same music. None of this resolves a conflict. All of it makes a resolution easier to imagine.

            There are risks, of course. Hospitality can become a form of pressure, and a lavish host may be trying to buy goodwill. The best meals at a negotiation are simple ones, shared on equal terms, where no one is quite sure who is the host.
        """,
    },
]

# (path, title, order, body), parents first.
PAGES = [
    (
        "about",
        "About",
        10,
        """
        The **Geneva Association for Dialogue** is an independent, non-profit association that brings together people from opposite sides of conflicts for confidential, unofficial conversations. It was founded in 1987 by a small group of retired diplomats and academics and now works with partners on four continents.

        We do not negotiate on anyone's behalf, and we take no position on the final shape of any settlement. Our part is to provide a room, a method and time.

        ## Our ground rules

        - Participants speak for themselves, not for their governments or organisations.
        - What is said in the room may be used, but never attributed.
        - Each side chooses its own participants.
        - The facilitators have no stake in the outcome.

        This blog publishes essays by our staff, fellows and guests. The views expressed are the authors' own.
        """,
    ),
    (
        "about/our-board",
        "Our Board",
        10,
        """
        The Association is governed by a board of seven members, elected by the general assembly for renewable terms of three years.

        | Name | Role |
        |:-----|:-----|
        | Béatrice Aubert | President |
        | Samuel Okafor | Vice-president |
        | Nour El-Khoury | Treasurer |
        | Ingrid Halvorsen | Secretary |
        | Rafael Quintero | Member |
        | Mei-Lin Chao | Member |
        | Dmitri Sokolov | Member |

        Board members serve without pay. Their declarations of interest are available to members on request.
        """,
    ),
    (
        "contact",
        "Contact",
        20,
        """
        We welcome letters from readers, proposals for essays and questions about our programmes.

        - **E-mail:** office@example.org
        - **Press:** press@example.org
        - **Post:** Geneva Association for Dialogue, Geneva, Switzerland

        Proposals for essays should include a short summary and a note about the author. We read everything, although we cannot reply to every message individually.
        """,
    ),
]

# Header navigation: ("page" | "category", path, order).
NAVIGATION = [
    ("page", "about", 10),
    ("category", "diplomacy", 20),
    ("category", "conflict-resolution", 30),
    ("category", "culture", 40),
    ("page", "contact", 50),
]


# Pictures, drawn rather than downloaded -------------------------------------


def _gradient(size, top, bottom):
    """An RGB image fading from `top` to `bottom`."""
    mask = Image.linear_gradient("L").resize(size)
    return Image.composite(Image.new("RGB", size, bottom), Image.new("RGB", size, top), mask)


def _points(size, fractions):
    width, height = size
    return [(round(x * width), round(y * height)) for x, y in fractions]


def _circle(draw, centre, radius, fill):
    x, y = centre
    draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=fill)


def _draw_lake(size):
    width, height = size
    horizon = round(height * 0.62)
    image = _gradient(size, (38, 52, 110), (246, 170, 104))
    draw = ImageDraw.Draw(image)
    sun = (round(width * 0.7), round(height * 0.3))
    sun_radius = round(height * 0.07)
    _circle(draw, sun, sun_radius, (255, 222, 150))
    draw.polygon(
        _points(size, [(0, 0.62), (0, 0.44), (0.16, 0.34), (0.3, 0.46), (0.48, 0.31),
                       (0.62, 0.45), (0.8, 0.37), (1, 0.47), (1, 0.62)]),
        fill=(104, 92, 136),
    )  # fmt: skip
    draw.polygon(
        _points(size, [(0, 0.62), (0, 0.53), (0.12, 0.5), (0.26, 0.56), (0.42, 0.52),
                       (0.56, 0.58), (0.74, 0.54), (0.9, 0.57), (1, 0.55), (1, 0.62)]),
        fill=(56, 50, 90),
    )  # fmt: skip
    image.paste(_gradient((width, height - horizon), (86, 84, 132), (22, 28, 62)), (0, horizon))
    line_width = max(2, height // 180)
    for i in range(9):
        y = horizon + round((i + 0.6) * (height - horizon) / 10)
        half = round(sun_radius * (1.3 - i * 0.11))
        draw.line((sun[0] - half, y, sun[0] + half, y), fill=(240, 196, 132), width=line_width)
    return image


def _draw_table(size):
    width, height = size
    image = _gradient(size, (132, 94, 64), (80, 56, 40))
    draw = ImageDraw.Draw(image)
    centre = (width / 2, height / 2)
    table = height * 0.3
    for k in range(10):
        angle = 2 * math.pi * k / 10
        seat = (centre[0] + (table + height * 0.09) * math.cos(angle),
                centre[1] + (table + height * 0.09) * math.sin(angle))  # fmt: skip
        _circle(draw, seat, height * 0.055, (52, 66, 96))
    _circle(draw, centre, table + height * 0.012, (150, 128, 96))
    _circle(draw, centre, table, (222, 208, 182))
    for k in range(10):
        angle = 2 * math.pi * k / 10
        reach = table - height * 0.075
        x, y = centre[0] + reach * math.cos(angle), centre[1] + reach * math.sin(angle)
        # A sheet of paper, turned to face its seat.
        half_w, half_h = height * 0.035, height * 0.047
        corners = [(-half_w, -half_h), (half_w, -half_h), (half_w, half_h), (-half_w, half_h)]
        turn = angle + math.pi / 2
        draw.polygon(
            [(x + cx * math.cos(turn) - cy * math.sin(turn),
              y + cx * math.sin(turn) + cy * math.cos(turn)) for cx, cy in corners],
            fill=(250, 248, 240),
        )  # fmt: skip
        glass = (centre[0] + (reach + height * 0.01) * math.cos(angle + 0.22),
                 centre[1] + (reach + height * 0.01) * math.sin(angle + 0.22))  # fmt: skip
        _circle(draw, glass, height * 0.014, (190, 220, 232))
    _circle(draw, centre, height * 0.06, (88, 120, 72))
    _circle(draw, centre, height * 0.03, (230, 190, 80))
    return image


def _draw_acacia(size):
    width, height = size
    ground = round(height * 0.78)
    image = _gradient(size, (126, 156, 196), (252, 214, 156))
    draw = ImageDraw.Draw(image)
    _circle(draw, (width * 0.28, height * 0.66), height * 0.12, (255, 236, 190))
    image.paste(_gradient((width, height - ground), (122, 92, 56), (70, 52, 34)), (0, ground))
    dark = (38, 30, 28)
    draw.polygon(
        _points(size, [(0.585, 0.79), (0.605, 0.52), (0.575, 0.4), (0.595, 0.4),
                       (0.62, 0.5), (0.66, 0.38), (0.675, 0.39), (0.635, 0.55),
                       (0.64, 0.79)]),
        fill=dark,
    )  # fmt: skip
    for cx, cy, rx, ry in [(0.56, 0.36, 0.2, 0.05), (0.66, 0.34, 0.17, 0.045),
                           (0.61, 0.31, 0.22, 0.045), (0.5, 0.38, 0.09, 0.03),
                           (0.74, 0.37, 0.1, 0.03)]:  # fmt: skip
        draw.ellipse(
            (round((cx - rx) * width), round((cy - ry) * height),
             round((cx + rx) * width), round((cy + ry) * height)),
            fill=dark,
        )  # fmt: skip
    return image


def _draw_olive(size):
    width, height = size
    image = _gradient(size, (248, 242, 226), (230, 220, 194))
    draw = ImageDraw.Draw(image)
    start, control, end = (0.12, 0.78), (0.42, 0.3), (0.9, 0.28)

    def curve(t):
        return tuple(
            (1 - t) ** 2 * start[i] + 2 * (1 - t) * t * control[i] + t**2 * end[i] for i in range(2)
        )

    stem = [curve(i / 60) for i in range(61)]
    draw.line(_points(size, stem), fill=(104, 92, 58), width=max(3, height // 110), joint="curve")
    rng = random.Random(7)
    for i in range(14):
        t = 0.1 + i * 0.062
        x, y = curve(t)
        dx, dy = curve(t + 0.01)[0] - x, curve(t + 0.01)[1] - y
        along = math.atan2(dy * height, dx * width)
        angle = along + (0.75 if i % 2 else -0.75) + rng.uniform(-0.15, 0.15)
        length, breadth = height * rng.uniform(0.15, 0.2), height * 0.028
        base = (x * width, y * height)
        outline = []
        for step in range(21):
            s = step / 20
            offset = breadth * math.sin(math.pi * s)
            outline.append((s, offset))
        outline += [(s, -offset) for s, offset in reversed(outline)]
        shade = (112 + rng.randint(-12, 12), 134 + rng.randint(-12, 12), 96)
        draw.polygon(
            [(base[0] + s * length * math.cos(angle) - offset * math.sin(angle),
              base[1] + s * length * math.sin(angle) + offset * math.cos(angle))
             for s, offset in outline],
            fill=shade,
        )  # fmt: skip
    for t in (0.33, 0.52, 0.7):
        x, y = curve(t)
        _circle(draw, (x * width, y * height + height * 0.05), height * 0.028, (64, 48, 70))
    return image


def _draw_windows(size):
    width, height = size
    image = _gradient(size, (10, 16, 40), (40, 50, 88))
    draw = ImageDraw.Draw(image)
    rng = random.Random(11)
    for _ in range(60):
        _circle(draw, (rng.random() * width, rng.random() * height * 0.25), 1.5, (220, 224, 240))
    _circle(draw, (width * 0.84, height * 0.12), height * 0.05, (242, 238, 210))
    _circle(draw, (width * 0.855, height * 0.11), height * 0.045, (16, 24, 52))
    left, top, right = round(width * 0.1), round(height * 0.24), round(width * 0.9)
    draw.rectangle((left, top, right, height), fill=(44, 50, 68))
    draw.rectangle((left - 10, top - 14, right + 10, top), fill=(32, 36, 50))
    columns, rows = 14, 7
    cell_w, cell_h = (right - left) / columns, (height * 0.66) / rows
    for row in range(rows):
        for column in range(columns):
            x = left + column * cell_w + cell_w * 0.2
            y = top + height * 0.04 + row * cell_h
            lit = rng.random() < 0.42
            colour = (255, 212, 128) if lit else (28, 34, 50)
            draw.rectangle((x, y, x + cell_w * 0.6, y + cell_h * 0.62), fill=colour)
    draw.rectangle((0, round(height * 0.95), width, height), fill=(24, 26, 34))
    return image


def _draw_bridge(size):
    width, height = size
    water = round(height * 0.7)
    image = _gradient(size, (64, 82, 134), (236, 168, 124))
    draw = ImageDraw.Draw(image)
    rng = random.Random(5)
    x = 0.0
    while x < 1:
        house_w, house_h = rng.uniform(0.04, 0.08), rng.uniform(0.06, 0.16)
        draw.rectangle(_points(size, [(x, 0.7 - house_h), (x + house_w, 0.7)]), fill=(84, 70, 92))
        draw.polygon(
            _points(size, [(x - 0.005, 0.7 - house_h), (x + house_w / 2, 0.66 - house_h),
                           (x + house_w + 0.005, 0.7 - house_h)]),
            fill=(72, 58, 80),
        )  # fmt: skip
        x += house_w + rng.uniform(0.0, 0.03)
    image.paste(_gradient((width, height - water), (74, 88, 132), (20, 28, 58)), (0, water))
    # A humped deck over a single arch, in stone.
    left, right, span_half = 0.14, 0.86, 0.36
    centre = (left + right) / 2
    deck, arch = [], []
    for step in range(41):
        xf = left + (right - left) * step / 40
        rise = 1 - ((xf - centre) / span_half) ** 2
        deck.append((xf, 0.58 - 0.14 * rise))
        arch.append((xf, 0.7 - 0.2 * rise))
    stone = (196, 172, 136)
    draw.polygon(_points(size, [(0.04, 0.7), (0.04, 0.58), *deck, (0.96, 0.58), (0.96, 0.7),
                                *reversed(arch)]), fill=stone)  # fmt: skip
    draw.line(_points(size, [(0.04, 0.565), *[(xf, yf - 0.015) for xf, yf in deck], (0.96, 0.565)]),
              fill=(150, 128, 100), width=max(2, height // 160), joint="curve")  # fmt: skip
    for i in range(8):
        y = water + round((i + 0.5) * (height - water) / 9)
        draw.line((round(width * 0.3), y, round(width * 0.7), y), fill=(120, 104, 110), width=2)
    return image


DRAWINGS = {
    "lake": _draw_lake,
    "table": _draw_table,
    "acacia": _draw_acacia,
    "olive": _draw_olive,
    "windows": _draw_windows,
    "bridge": _draw_bridge,
}


def make_picture(key, size=None):
    """JPEG bytes of one of the drawings above."""
    image = DRAWINGS[key](size or IMAGE_SIZE)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85, optimize=True, progressive=True)
    return buffer.getvalue()


def _image_keys(spec):
    """The images a post comes with: its featured image, then those its body shows."""
    featured = [spec["featured"]] if spec.get("featured") else []
    return featured + IMAGE_PLACEHOLDER.findall(spec["body"])


def _when(days, hour, minute):
    """`days` from today, at a local time of day."""
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


class Command(BaseCommand):
    help = (
        "Fill the site with a demo blog (authors, categories, posts, images, pages, "
        "navigation). Safe to run again: it only creates what is missing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--admin-login",
            action="store_true",
            help=f'Ensure a superuser "{ADMIN_USERNAME}" exists, give it a new random '
            "password and print it.",
        )
        parser.add_argument(
            "--site-url",
            default=SITE_URL,
            help=f"Where the site is served, for the printed admin login (default: {SITE_URL}).",
        )

    # What the report counts, in its order; subclasses add their own kinds.
    REPORTED = ("authors", "editors", "categories", "posts", "images", "pages",
                "navigation links")  # fmt: skip

    def handle(self, *args, **options):
        self.created, self.present = Counter(), Counter()
        self.new_files = []
        self.site_url = options["site_url"]
        password = None
        try:
            with transaction.atomic():
                self.make_content()
                if options["admin_login"]:
                    password = self.make_admin()
        except BaseException:
            # The rows are rolled back; the files written for them go too.
            for name in self.new_files:
                default_storage.delete(name)
            raise
        self.report(password)

    def make_content(self):
        """Everything but the admin, in one transaction; subclasses extend it.

        Leaves the demo's people and posts in `self.people` and `self.posts`, by
        username and by slug.
        """
        self.people = self.make_people()
        categories = self.make_categories()
        self.posts = self.make_posts(self.people, categories)
        pages = self.make_pages()
        self.make_settings(pages, categories)

    def tally(self, kind, created):
        (self.created if created else self.present)[kind] += 1

    # Content -----------------------------------------------------------------

    def make_people(self):
        User = get_user_model()
        people = {}
        for spec in PEOPLE:
            fields = dict(spec)
            username, role = fields.pop("username"), fields.pop("role")
            person = User.objects.filter(username=username).first()
            created = person is None
            if created:
                person = User(username=username, **fields)
                person.set_unusable_password()
                person.save()
                person.groups.add(Group.objects.get(name=role))
                person.refresh_from_db()  # Joining a staff role set is_staff.
            self.tally("editors" if role == roles.EDITORS else "authors", created)
            people[username] = person
        return people

    def make_categories(self):
        categories = {}
        for name, slug, parent_slug, description in CATEGORIES:
            parent = categories.get(parent_slug)
            path = f"{parent.path}/{slug}" if parent else slug
            category = Category.objects.filter(path=path).first()
            created = category is None
            if created:
                category = Category.objects.create(
                    name=name, slug=slug, parent=parent, description=description
                )
            self.tally("categories", created)
            categories[slug] = categories[path] = category
        return categories

    def make_posts(self, people, categories):
        posts, new = {}, []
        for spec in POSTS:
            author = people[spec["author"]]
            post = Post.objects.filter(author=author, slug=spec["slug"]).first()
            created = post is None
            if created:
                post = self.make_post(spec, author, categories)
                new.append((post, spec))
            else:
                # Its images came with it; they are not made again, even if deleted.
                for key in _image_keys(spec):
                    if PostImage.objects.filter(post=post, alt_text=IMAGES[key][1]).exists():
                        self.tally("images", False)
            self.tally("posts", created)
            posts[spec["slug"]] = post
        for post, spec in new:
            picks = [posts[slug] for slug in spec.get("related", ())]
            if picks:
                post.related.add(*picks)
        return posts

    def make_post(self, spec, author, categories):
        published_at = _when(spec["days"], 9 + len(spec["slug"]) % 8, 15 * (len(spec["title"]) % 4))
        # A post of someone else's may own the slug on that day; move ours a day back.
        while Post.objects.filter(
            publish_date=timezone.localdate(published_at), slug=spec["slug"]
        ).exists():
            published_at -= timedelta(days=1)
        post = Post.objects.create(
            title=spec["title"],
            slug=spec["slug"],
            author=author,
            status=spec["status"],
            published_at=published_at,
            sticky=spec.get("sticky", False),
            excerpt=_md(spec.get("excerpt", "")).strip(),
        )
        post.categories.set([categories[path] for path in spec["categories"]])
        post.tags.add(*spec["tags"])
        images = {key: self.make_image(post, key, author) for key in _image_keys(spec)}
        body = _md(spec["body"])
        # The body can name the images only now that their records exist.
        post.body = IMAGE_PLACEHOLDER.sub(lambda m: f"![](image:{images[m[1]].pk})", body)
        post.featured_image = images.get(spec.get("featured"))
        post.save()
        return post

    def make_image(self, post, key, author):
        filename, alt_text, caption, credit = IMAGES[key]
        record = PostImage.objects.filter(post=post, alt_text=alt_text).first()
        created = record is None
        if created:
            record = PostImage(
                post=post,
                image=ContentFile(make_picture(key), name=filename),
                alt_text=alt_text,
                caption=caption,
                credit=credit,
                uploaded_by=author,
            )
            record.save()
            self.new_files += [record.image.name, *record.renditions.values()]
        self.tally("images", created)
        return record

    def make_pages(self):
        pages = {}
        for path, title, order, body in PAGES:
            parent_path, _, slug = path.rpartition("/")
            page = Page.objects.filter(path=path).first()
            created = page is None
            if created:
                page = Page.objects.create(
                    title=title,
                    slug=slug,
                    parent=pages.get(parent_path) if parent_path else None,
                    order=order,
                    body=_md(body),
                    status=Page.Status.PUBLISHED,
                )
            self.tally("pages", created)
            pages[path] = page
        return pages

    def make_settings(self, pages, categories):
        settings = SiteSettings.load()
        # Fill in only what nobody has set yet.
        default_title = SiteSettings._meta.get_field("title").default
        changed = []
        for field, value in SITE.items():
            current = getattr(settings, field)
            if not current or (field == "title" and current == default_title):
                setattr(settings, field, value)
                changed.append(field)
        if changed:
            settings.save()
        self.tally("site settings", bool(changed))
        for kind, path, order in NAVIGATION:
            target = pages.get(path) if kind == "page" else categories.get(path)
            _, created = NavigationItem.objects.get_or_create(
                settings=settings, **{kind: target}, defaults={"order": order}
            )
            self.tally("navigation links", created)

    def make_admin(self):
        User = get_user_model()
        admin, created = User.objects.get_or_create(
            username=ADMIN_USERNAME,
            defaults={"email": "admin@example.org", "display_name": "Site Admin"},
        )
        admin.is_active = admin.is_staff = admin.is_superuser = True
        password = secrets.token_urlsafe(12)
        admin.set_password(password)
        admin.save()
        self.tally("admin user", created)
        return password

    # Output ------------------------------------------------------------------

    def report(self, password):
        self.stdout.write("Demo content:")
        for kind in self.REPORTED:
            self.stdout.write(
                f"  {kind:<17}{self.created[kind]:>4} created,{self.present[kind]:>4} already there"
            )
        filled = self.created["site settings"]
        self.stdout.write(
            f"  {'site settings':<17}{'filled in' if filled else 'left as they were'}"
        )
        made = sum(n for kind, n in self.created.items() if kind != "admin user")
        self.stdout.write(
            self.style.SUCCESS(
                "Demo content created."
                if made
                else "Nothing to add: the demo content is all there."
            )
        )
        if password:
            url = self.site_url.rstrip("/") + reverse("admin:index")
            state = "created" if self.created["admin user"] else "given a new password"
            self.stdout.write(f"Superuser {ADMIN_USERNAME!r} {state}.")
            self.stdout.write(
                self.style.SUCCESS(
                    f"Admin login: {url}  user: {ADMIN_USERNAME}  password: {password}"
                )
            )
