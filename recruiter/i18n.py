"""Languages: Swedish first, English second, chosen per browser by a cookie."""
from flask import current_app, request
from flask_babel import Babel, get_locale

babel = Babel()
LANG_COOKIE = "lang"


def select_locale():
    """The language the visitor chose, else Swedish."""
    lang = request.cookies.get(LANG_COOKIE)
    return lang if lang in current_app.config["LANGUAGES"] else "sv"


def init_app(app):
    """Bind Flask-Babel with our locale selector."""
    babel.init_app(app, locale_selector=select_locale)
    app.context_processor(lambda: {"lang": get_locale().language})
