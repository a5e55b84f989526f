# ruff: noqa: E501 - the comments below are prose, one to a line.
"""The demo's discussions: hand-written ones under several posts, and one long one.

The hand-written ones have replies up to four deep, a removed comment whose approved
replies keep their place and a comment awaiting moderation; the long one, under one
post, has more than 200 comments in many threads, made from phrase lists. Their times
fall between the post's publication and now.

Demo comments carry DEMO_AGENT as their user agent, which is how a second run knows
a post's discussion is there already.
"""

import unicodedata
import zlib
from dataclasses import dataclass, field
from datetime import timedelta

from comments.models import Comment, ModerationEvent

DEMO_AGENT = "Colloquy demo_content"
APPROVED, PENDING = Comment.Status.APPROVED, Comment.Status.PENDING
REMOVED, SPAM = Comment.Status.REMOVED, Comment.Status.SPAM
# The editor who moderates the demo discussions.
MODERATOR = "tomas.lindqvist"


@dataclass(eq=False)
class Said:
    """One planned comment and the replies to it. `who` is a demo username or a guest's name."""

    who: str
    body: str
    replies: list = field(default_factory=list)
    status: str = APPROVED


def say(who, body, *replies, status=APPROVED):
    return Said(who, body, list(replies), status)


# Hand-written discussions, by post slug. Usernames are the demo's people; other
# names are guests.
DISCUSSIONS = {
    "why-we-still-talk": [
        say(
            "Margaret Ellison",
            "I was a junior note-taker at one of these dialogues in the nineties. Nobody outside the room ever knew it took place, and I still think it was the most useful week of my working life.\n\nThe line about a sentence being allowed to be a question is exactly right.",
            say(
                "helena.marchetti",
                "Thank you, Margaret. Note-takers see more than anyone in the room and are thanked least. I hope you kept your notebooks.",
                say(
                    "Margaret Ellison",
                    "Locked in a drawer, as promised. Perhaps in another twenty years.",
                ),
            ),
        ),
        say(
            "Daniel Reyes",
            'Isn\'t there a risk that track two becomes a way for governments to avoid real negotiations? They can always say "talks are happening" while nothing changes on the ground.',
            say(
                "kwame.mensah",
                "It is a real risk, Daniel. The test I use is whether anything from the room ever reaches someone who decides. If nothing has after a year or two, the dialogue has become a substitute rather than a preparation.",
                say(
                    "Daniel Reyes",
                    "That is a useful test. But who decides when to stop? The funders?",
                    say(
                        "helena.marchetti",
                        "Ideally the participants. In practice, yes, often the funders, which is one reason we try never to depend on a single one.",
                        say(
                            "Daniel Reyes",
                            "Fair enough. Thank you both for taking the question seriously.",
                        ),
                    ),
                ),
            ),
        ),
        say(
            "Vic Harlan",
            "Talking shops for retired diplomats who miss their expense accounts. Everyone involved in this should be ashamed of themselves, and the author most of all.",
            say(
                "Sofia Almeida",
                "The tone aside, the question of who pays for these meetings is a fair one. Does the Association publish its funders?",
                say(
                    "tomas.lindqvist",
                    "We do, Sofia: the annual report names every foundation that supports us, and members can read the audited accounts.",
                ),
            ),
            say(
                "Peter Hollis",
                'I took part in one of these "talking shops". Two of the people at that table later negotiated the agreement that ended the fighting in my region. The expense accounts were not the point.',
            ),
            status=REMOVED,
        ),
    ],
    "listening-before-speaking": [
        say(
            "Ruth Abebe",
            "Number four is the one I struggle with. Silence feels like failure when you are the one who is supposed to be running the meeting.",
            say(
                "kwame.mensah",
                "It gets easier, Ruth. One trick: count to ten in your head before you say anything after a hard question. The room almost always fills the pause before you reach seven.",
                say(
                    "Ruth Abebe",
                    "I tried it yesterday in a dispute between two neighbours. Somebody spoke at five. It worked.",
                    say("kwame.mensah", "Wonderful. Five is a very good number."),
                ),
            ),
        ),
        say(
            "Henrik Dahl",
            "I would add a sixth habit: they take notes by hand. People watch a mediator writing and feel that what they said counted.",
            say(
                "leyla.karimi",
                "And a notebook is less of a wall than a laptop screen. Interpreters learn that early.",
            ),
        ),
        say(
            "Priya Raman",
            "Is there a book you would recommend to someone starting out? Most of what I find is written for corporate negotiators.",
            say(
                "kwame.mensah",
                "Our training committee keeps a short reading list; write to us through the Contact page and we will send it. The best teacher, though, is sitting in as an observer.",
            ),
        ),
    ],
    "minutes-of-a-meeting-that-did-not-happen": [
        say(
            "Chiara Bellini",
            "\u201cYour river is my border. My mountain is your view.\u201d I have read a great many reports about that kind of valley, and none of them said it so clearly.",
            say(
                "leyla.karimi",
                "Thank you, Chiara. That line came from one of the participants; I only put it in order.",
            ),
        ),
        say(
            "Omar Khalil",
            "\u201cThe chairs we had not thrown\u201d made me laugh out loud, and then stop laughing.",
        ),
        say(
            "helena.marchetti",
            "I have sat in that meeting. Several times.",
            say("leyla.karimi", "I know. You were taking the minutes."),
        ),
    ],
    "translation-is-a-peace-process": [
        say(
            "Claire Dubois",
            "As a conference interpreter I know that half second very well. We are trained to be faithful, but nobody trains you for the moment when fidelity might end the meeting.",
            say(
                "leyla.karimi",
                "What do you do in that moment, Claire, if you can say?",
                say(
                    "Claire Dubois",
                    "Keep the meaning and lower the volume, as one of my teachers put it. The words stay; the tone softens a little. Afterwards I tell the delegate what I did.",
                    say(
                        "Tomasz Nowak",
                        "Isn't that a decision for the speaker rather than the interpreter?",
                        say(
                            "Claire Dubois",
                            "In principle, yes. In practice there is no time to ask, which is why the conversation afterwards matters so much.",
                        ),
                    ),
                ),
            ),
        ),
        say(
            "Arjun Mehta",
            "Constructive ambiguity works until implementation, when each side insists on its own reading. I would read a post about what happens then.",
        ),
    ],
    "autumn-dialogue-series": [
        say(
            "Hana Novak",
            "Will the sessions be interpreted? I would like to bring two colleagues whose English is limited.",
            say(
                "tomas.lindqvist",
                "Yes: into French and Arabic, in the room and online. Write to us through the Contact page and we will keep seats with headsets for you.",
                say("Hana Novak", "Perfect, thank you. We have registered."),
            ),
        ),
        say(
            "Samuel Boateng",
            "Week three is the one I am waiting for. The first two years after a signing get far too little attention.",
            say("kwame.mensah", "I will be on that panel, Samuel. Bring your questions."),
        ),
    ],
    "on-bridges": [
        say(
            "Elena Popescu",
            "The bridge in my home town was rebuilt when I was twelve. For the first year my grandmother would walk to the middle and come back. She never said why.",
            say(
                "leyla.karimi",
                "Thank you for this, Elena. Perhaps the middle was as far as the invitation reached, for her.",
            ),
        ),
        say(
            "Kofi Asante",
            "A market is exactly right. Trade has crossed more lines than treaties ever did.",
        ),
        say(
            "Mariam Yusuf",
            "Is the bridge in the picture a real one? It looks very much like one I crossed last summer.",
            status=PENDING,
        ),
    ],
}

# The long discussion: a contested essay draws many threads.
LONG_DISCUSSION = "what-ceasefires-teach-us"
LONG_APPROVED = 220  # Approved comments; a few pending, removed and spam ones come on top.
MAX_LEVEL = 4  # Replies nest at most this deep (COMMENTS_MAX_DEPTH is 5 by default).

GUESTS = [
    "Amara Okafor", "Sofia Almeida", "Henrik Dahl", "Priya Raman", "Mateo Ruiz",
    "Yusuf Demir", "Chiara Bellini", "Nadia Haddad", "Tomasz Nowak", "Aiko Tanaka",
    "Samuel Boateng", "Ingrid Solberg", "Omar Khalil", "Lucia Ferreira", "David Cohen",
    "Fatima Benali", "Pieter de Vries", "Elena Popescu", "Ruth Abebe", "Marco Santoro",
    "Hana Novak", "Ibrahim Sesay", "Claire Dubois", "Arjun Mehta", "Mariam Yusuf",
    "Finn O'Connor", "Rosa Jiménez", "Kofi Asante", "Anna Lindgren", "Grace Mwangi",
    "Lars Eriksen", "Zeynep Arslan", "Jakob Meier", "Leila Nasser", "Tom Whitaker",
    "Beatriz Costa", "Sipho Dlamini", "Maria Papadopoulou", "Ahmed Farouk", "Julia Brandt",
    "Ewa Kowalska", "Nikolai Petrov", "Aisha Bello", "Patrick Byrne", "Mei Lin",
    "Old Monitor", "J. Morrow", "Catherine Achterberg",
]  # fmt: skip
# Guests whose first word is not a first name: replies use the whole name.
NICKNAMES = {"Old Monitor", "J. Morrow"}

OPENERS = [
    "Thank you for this.",
    "I spent two years as a ceasefire monitor, and this rings true.",
    "A thoughtful piece, though I am not fully convinced.",
    "This is the most honest thing I have read about ceasefires in a long time.",
    "I shared this with my students this morning.",
    "As someone who grew up near a front line, I read this twice.",
    "Coming at this from a humanitarian background:",
    "I work for a small NGO that supports local mediators.",
    "Reading this from a country where a ceasefire has held, just about, for six years:",
    "My father was a liaison officer during a ceasefire in the eighties.",
    "Good piece.",
    "I disagree with part of this.",
    "Long-time reader, first comment.",
    "This matches what I saw in the field.",
    "A small addition from someone who drafted ceasefire texts for a regional organisation:",
]

CLAIMS = [
    "The point about local commanders is badly underappreciated.",
    "In my experience the hotline matters less than who answers it.",
    "A joint committee only works if both sides send people who can actually decide something.",
    "Maps are everything. We once lost three weeks arguing over a line drawn with a thick pencil.",
    "Ceasefires also buy time for the wrong people to rearm, and we should say so plainly.",
    "The line about nobody picking up the phone will stay with me.",
    "Patience is easy to recommend from far away; it is much harder for families waiting at a checkpoint.",
    "Monitoring works best when the monitors live in the area, not in a hotel in the capital.",
    "Humanitarian pauses are often where the habits of a ceasefire are first learned.",
    "Third parties are trusted for their neutrality, but they are useful for their persistence.",
    "Reporting procedures sound dull until you see what happens without them.",
    "Knowing each other's names is not a small thing. It may be the whole thing.",
    "Some of the most durable ceasefires I know of were never written down at all.",
    "Verification technology has changed a great deal, but the politics of accusing someone has not.",
    "Local ceasefires are underrated: they are negotiated by people who will live with the consequences.",
    "The first week decides a lot, but the first incident decides more.",
    "Women's groups often know where the next violation will come from long before anyone else does.",
    "Radio contact between opposing commanders did more for us than any communiqué.",
    "Spoilers count on a ceasefire collapsing; a quick, credible investigation takes that hope away from them.",
    "A ceasefire without a plan for what comes next can freeze a conflict for a generation.",
    "The dull institutions you describe are also the first thing donors stop paying for.",
    "People forget that soldiers on both sides are often the most relieved when the shooting stops.",
    "Honour is the right word. Retaliation is rarely about tactics; it is about not being seen to back down.",
    "A ceasefire that excludes armed groups outside the talks is only half a ceasefire.",
    "What is patience for a mediator is hunger for the people living along the line.",
    "Ceasefires are where trust is tested in small amounts before anyone risks a large one.",
    "We should measure ceasefires by the incidents that did not escalate, not by the ones that did.",
    "The media only reports the violations, which makes every ceasefire look like it is failing.",
    "Unmarked lines are the real enemy. Half the incidents I investigated began with someone who was lost.",
    "Clear rules about who may carry weapons where prevent more incidents than any number of observers.",
    "Most ceasefire agreements are far too long; the ones that work fit on two pages.",
    "Phones at checkpoints changed everything: rumours now travel faster than the patrols.",
    "Sometimes the bravest thing a commander can do is not respond.",
    "A ceasefire can also become an excuse for outsiders to stop paying attention.",
    "The best liaison officers I knew had one thing in common: they never lied, even when it cost them.",
]

CLOSERS = [
    "Would you write more about how joint committees are put together?",
    "I would love to read a follow-up on this.",
    "Thanks again for writing it.",
    "Curious whether others here have seen the same.",
    "Has anyone studied this systematically?",
    "Worth reading alongside your earlier post on the habits of mediators.",
    "Something to think about.",
    "I wish more policymakers read blogs like this one.",
]

REPLY_OPENERS = [
    "I agree with you, {name}.",
    "Respectfully, {name}, I see it differently.",
    "That matches what I saw too.",
    "Good point, {name}.",
    "I am not sure that follows.",
    "{name}, could you say more about that?",
    "This is exactly the tension.",
    "Thank you for sharing that, {name}.",
    "I had the same reaction at first.",
    "Partly true, {name}, but not the whole story.",
    "Speaking from experience:",
    "Interesting, {name}.",
]

REPLY_LINES = [
    "In our case the committee met every morning, even when there was nothing to report, and that habit saved us more than once.",
    "The rearmament argument assumes the alternative is a decisive victory, which is almost never on offer.",
    "Where I worked, the observers were trusted precisely because they were boring.",
    "It depends enormously on whether the two sides can talk without an intermediary.",
    "We tried that, and it failed because nobody would sign off on the map.",
    "The people who pay the price of a collapse are rarely the ones who decide to break it.",
    "I think you are describing a mediator's patience, not the public's.",
    "Both can be true at the same time; that is what makes this work so hard.",
    "A hotline is only as good as the habit of using it for small things.",
    "That was also my experience, though it took me years to admit it.",
    "I would put more weight on the economic side: people return to fighting when they have nothing else to return to.",
    "The timing matters more than the text. The same agreement signed a year earlier might have held.",
    "It is easy to say from a desk. It looks very different at two in the morning at a checkpoint.",
    "The essay is about what keeps a ceasefire alive, not about whether it is just. Those are different questions.",
    "In my region the churches and mosques carried messages when nobody else could.",
    "Not every violation deserves a response. Knowing which ones do is the whole art.",
]

SHORT_REPLIES = [
    "Well put.",
    "Seconded.",
    "Exactly this.",
    "Thank you, that is helpful.",
    "I had not thought of it that way.",
    "Agreed, with all my heart.",
    "This deserves a post of its own.",
]

AUTHOR_OPENERS = [
    "Thank you, {name}.",
    "A fair criticism, {name}.",
    "{name}, you put it better than I did.",
    "I agree, {name}.",
    "That is an important point, {name}.",
]

AUTHOR_LINES = [
    "I should have said more about it in the essay.",
    "I hope to write about joint committees in a later post.",
    "It is also what the monitors I interviewed told me, almost word for word.",
    "The distinction between neutrality and persistence is one I will borrow, with credit.",
    "I do not think patience and urgency are opposites, but I take your point about who pays for the waiting.",
    "Several readers have raised this, and it deserves a fuller answer than a comment.",
]

REPLY_COUNTS = [0, 0, 1, 1, 2, 2, 3, 4, 5, 6, 8, 10, 13]

# Caught by a moderator, so never shown: who and what.
SPAMMER = (
    "Best Replica Watches",
    "Very informative article, thanks for sharing! Visit www.example.com/replica-watches for the best prices online.",
)


def _first_name(who, people):
    """What a reply calls the person it answers."""
    person = people.get(who)
    if person is not None:
        return person.first_name or person.get_display_name()
    return who if who in NICKNAMES else who.split()[0]


def _pick(rng, phrases, used):
    """A phrase not used yet in this thread, while there are any."""
    phrase = rng.choice([p for p in phrases if p not in used] or phrases)
    used.add(phrase)
    return phrase


def _join(parts):
    # After an opener that ends in a colon the sentence goes on in lower case.
    text = parts[0]
    for part in parts[1:]:
        text += " " + (part[0].lower() + part[1:] if text.endswith(":") else part)
    return text


def _body(rng, parent, author, people, used):
    """A plausible comment: new thoughts for a thread, or an answer to `parent`.
    `used` holds the phrases the thread has used already."""
    if parent is None:
        parts = [_pick(rng, OPENERS, used)] if rng.random() < 0.65 else []
        parts += [_pick(rng, CLAIMS, used) for _ in range(rng.choice([1, 1, 2, 2, 3]))]
        if rng.random() < 0.4:
            parts.append(_pick(rng, CLOSERS, used))
        if len(parts) > 2 and rng.random() < 0.5:
            cut = rng.randrange(1, len(parts))
            return _join(parts[:cut]) + "\n\n" + _join(parts[cut:])
        return _join(parts)
    name = _first_name(parent.who, people)
    if author is not None:
        opener = _pick(rng, AUTHOR_OPENERS, used).format(name=name)
        return f"{opener} {_pick(rng, AUTHOR_LINES, used)}"
    if rng.random() < 0.12:
        return _pick(rng, SHORT_REPLIES, used)
    opener = _pick(rng, REPLY_OPENERS, used).format(name=name)
    line = _pick(rng, REPLY_LINES if rng.random() < 0.65 else CLAIMS, used)
    return _join([opener, line])


def long_discussion(rng, author, people, approved=LONG_APPROVED):
    """Many threads from the phrase lists: `approved` comments that stay approved, plus
    a few awaiting moderation (the latest), a removed one with replies and a spam one."""
    pending, removed = 4, 1
    budget = approved + pending + removed
    roots, threads = [], []
    while budget > 0:
        used = set()
        root = say(rng.choice(GUESTS), _body(rng, None, None, people, used))
        nodes = [(root, 0, None)]  # (comment, level, parent)
        for _ in range(min(budget - 1, rng.choice(REPLY_COUNTS))):
            # Nobody answers a "Well put." (and the root is never one).
            open_ = [n for n in nodes if n[1] < MAX_LEVEL and n[0].body not in SHORT_REPLIES]
            # Conversations run down: mostly an answer to one of the latest comments.
            parent, level, grandparent = rng.choice(open_[-3:]) if rng.random() < 0.7 else open_[0]
            in_thread = {node[0].who for node in nodes}
            if author not in in_thread and rng.random() < 0.25:
                who = author
            elif grandparent is not None and rng.random() < 0.4:
                who = grandparent.who  # Back and forth.
            else:
                who = rng.choice(GUESTS)
            if who == parent.who:
                who = rng.choice([guest for guest in GUESTS if guest != parent.who])
            reply = say(who, _body(rng, parent, author if who == author else None, people, used))
            parent.replies.append(reply)
            nodes.append((reply, level + 1, parent))
        roots.append(root)
        threads.append(nodes)
        budget -= len(nodes)
    # The latest comments still wait for a moderator: the last reply of the last threads.
    for nodes in threads[-pending:]:
        if nodes[-1][0].who != author:
            nodes[-1][0].status = PENDING
    # A removed comment whose replies were approved before it went.
    with_replies = [
        node[0]
        for nodes in threads[: len(threads) // 2]
        for node in nodes[1:]
        if node[0].replies and node[0].who != author
    ]
    if with_replies:
        with_replies[len(with_replies) // 2].status = REMOVED
    roots.insert(len(roots) // 3, say(*SPAMMER, status=SPAM))
    return roots


def walk(roots):
    for said in roots:
        yield said
        yield from walk(said.replies)


def timeline(roots, start, end, rng, thread_gap, reply_gap):
    """When each comment was sent: every comment after its parent and its elder
    siblings, the whole squeezed in between `start` and `end` if it would overrun."""
    hours = {}

    def place(said, at):
        hours[said] = at
        for reply in said.replies:
            at += rng.expovariate(1 / reply_gap) + 0.05
            place(reply, at)

    at = 0
    for root in roots:
        at += rng.expovariate(1 / thread_gap) + 0.1
        place(root, at)
    scale = min(1, (end - start) / timedelta(hours=max(hours.values())))
    return {said: start + timedelta(hours=h * scale) for said, h in hours.items()}


def _slug(name):
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return ".".join("".join(c for c in part if c.isalnum()) for part in ascii_name.lower().split())


def _guest_details(name):
    """A guest's e-mail, website (a quarter of them have one) and IP address, always the same."""
    n = zlib.crc32(name.encode())
    slug = _slug(name)
    email = f"{slug}@{('example.com', 'example.net', 'example.org')[n % 3]}"
    website = f"https://{slug.replace('.', '-')}.example.net/" if n % 4 == 0 else ""
    return email, website, _ip(name)


def _ip(name):
    # Addresses from the ranges reserved for documentation (RFC 5737).
    n = zlib.crc32(name.encode())
    return f"{('192.0.2', '198.51.100', '203.0.113')[n % 3]}.{n // 3 % 254 + 1}"


def unsaved_comment(post, said, parent, at, people):
    """An unsaved comment, with what `Comment.save()` would have computed."""
    person = people.get(said.who)
    comment = Comment(
        post=post,
        parent=parent,
        body=said.body,
        status=said.status,
        user_agent=DEMO_AGENT,
        submitted_at=at,
    )
    if person is not None:
        comment.user, comment.email = person, person.email
        comment.ip_address = _ip(said.who)
        comment.status_reason = "the post's author" if person == post.author else "staff"
    else:
        comment.name = said.who
        comment.email, comment.url, comment.ip_address = _guest_details(said.who)
        comment.status_reason = (
            "previously approved commenter"
            if said.status in (APPROVED, REMOVED)
            else "first comment"
        )
    comment.prepare()
    return comment


def moderation_events(comment, moderator, decided):
    """The moderation history the comment would have had."""
    arrived = PENDING if comment.status == SPAM else comment.status
    if comment.status == REMOVED:
        arrived = APPROVED
    events = [
        ModerationEvent(
            comment=comment,
            action="submitted",
            to_status=arrived,
            note=comment.status_reason,
            at=comment.submitted_at,
        )
    ]
    if arrived != comment.status:
        events.append(
            ModerationEvent(
                comment=comment,
                actor=moderator,
                action=comment.status,
                from_status=arrived,
                to_status=comment.status,
                note="personal attack" if comment.status == REMOVED else "",
                at=decided,
            )
        )
    return events
