"""Draws Handover's app icon (a sealed envelope passing between two hands, simplified to a
sealed parcel) at the sizes Tauri needs. Run: python3 tools/gen_icons.py (needs Pillow)."""
from pathlib import Path
from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent.parent / "icons"
OUT.mkdir(exist_ok=True)


def draw(size: int) -> Image.Image:
    s = size / 256
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.rounded_rectangle([8 * s, 8 * s, 248 * s, 248 * s], radius=48 * s, fill=(27, 94, 133, 255))
    # parcel
    d.rectangle([56 * s, 84 * s, 200 * s, 184 * s], fill=(250, 247, 240, 255))
    d.polygon([(56 * s, 84 * s), (128 * s, 138 * s), (200 * s, 84 * s)], fill=(226, 220, 205, 255))
    d.line([(56 * s, 84 * s), (128 * s, 138 * s), (200 * s, 84 * s)], fill=(27, 94, 133, 255), width=max(1, int(6 * s)))
    # seal
    d.ellipse([108 * s, 150 * s, 148 * s, 190 * s], fill=(200, 40, 50, 255))
    return img


for name, px in [("32x32.png", 32), ("128x128.png", 128), ("128x128@2x.png", 256), ("icon.png", 512)]:
    draw(px).save(OUT / name)
draw(256).save(OUT / "icon.ico", sizes=[(16, 16), (32, 32), (48, 48), (256, 256)])
