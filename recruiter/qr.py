"""QR codes as SVG, made on the server."""
import io

import qrcode
import qrcode.image.pil
import qrcode.image.svg
from markupsafe import Markup


def qr_svg(url):
    """An SVG QR code for url; the same url always gives the same image.

    Marked safe because the SVG is drawn by qrcode, which escapes the data.
    """
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2,
                         image_factory=qrcode.image.svg.SvgPathImage)
    code.add_data(url)
    code.make(fit=True)
    # bandit B704: the markup is qrcode's own drawing, not user input.
    return Markup(code.make_image().to_string(encoding="unicode"))  # nosec B704


def qr_png(url, box_size=20):
    """A large PNG QR code for url, for print shops."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4,
                         box_size=box_size, image_factory=qrcode.image.pil.PilImage)
    code.add_data(url)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image().save(buffer, format="PNG")
    return buffer.getvalue()
