"""QR codes as SVG, made on the server."""
import qrcode
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
    return Markup(code.make_image().to_string(encoding="unicode"))
