"""Every GET route of the app with its path filled in: the route fuzz and the query-plan test
walk the same list."""
from werkzeug.routing.converters import IntegerConverter

STRING_PATH_VALUES = ["²", "٣", "%00", "x" * 2000, "..", "<b>", "AAAA-2222", "\u202e"]


def get_urls(app, ids):
    """Every GET route with its path filled from the data set (each level, each
    string argument also hostile)."""
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        choices = [{}]
        for name in rule.arguments:
            converter = rule._converters[name]
            if hasattr(converter, "items"):  # any(...)
                options = sorted(converter.items)
            elif name in ids:
                options = [ids[name], 0, 2**62]
            elif isinstance(converter, IntegerConverter):  # an id outside the data set
                options = [1, 0, 2**62]
            else:
                options = STRING_PATH_VALUES
            choices = [{**c, name: o} for c in choices for o in options]
        for values in choices:
            if "level" in values and "unit_id" in values and values["level"] == "nation":
                values = {**values, "unit_id": 0}
            yield rule.build(values, append_unknown=False)[1]
