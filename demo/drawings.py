"""The demo's pictures, drawn with Pillow rather than downloaded: one function a picture."""

import io
import math
import random

from PIL import Image, ImageDraw

# Size of the generated JPEGs; tests make it smaller to stay quick.
IMAGE_SIZE = (1600, 1000)


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
