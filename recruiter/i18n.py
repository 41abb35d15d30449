"""Languages: Swedish first, English second, chosen per browser by a cookie."""
from babel import support
from flask import current_app, request
from flask_babel import Babel, get_locale
from wtforms.i18n import messages_path

babel = Babel()
LANG_COOKIE = "lang"


def select_locale():
    """The language the visitor chose, else Swedish."""
    lang = request.cookies.get(LANG_COOKIE)
    return lang if lang in current_app.config["LANGUAGES"] else "sv"


def wtforms_translations(locale):
    """WTForms' own messages for a language, read from disk once per process.

    Flask-WTF loads this catalogue anew in every request that renders or
    validates a form (it keeps it only on `request.wtforms_translations`);
    Flask-Babel already keeps ours per process."""
    cache = current_app.extensions.setdefault("varva_wtforms_translations", {})
    key = str(locale)
    if key not in cache:
        cache[key] = support.Translations.load(messages_path(), [locale], domain="wtforms")
    return cache[key]


class _WTFormsTranslations:
    """What Flask-WTF looks for on the request; the language is settled only
    when a form first needs a message, so pages without forms pay nothing."""

    def ugettext(self, string):
        return wtforms_translations(get_locale()).ugettext(string)

    def ungettext(self, singular, plural, n):
        return wtforms_translations(get_locale()).ungettext(singular, plural, n)


_LENT = _WTFormsTranslations()


def _lend_wtforms_translations():
    request.wtforms_translations = _LENT


def init_app(app):
    """Bind Flask-Babel with our locale selector."""
    babel.init_app(app, locale_selector=select_locale)
    app.context_processor(lambda: {"lang": get_locale().language})
    app.before_request(_lend_wtforms_translations)
