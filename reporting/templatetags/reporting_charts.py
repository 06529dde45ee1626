from django import template

register = template.Library()


@register.inclusion_tag("reporting/_chart.html")
def chart(chart, caption: str = "", numbers_open: bool = False):
    """A chart from reporting.charts with the table of its numbers."""
    return {"chart": chart, "caption": caption, "numbers_open": numbers_open}


@register.filter
def duration(seconds) -> str:
    """Seconds as days and hours ("2 d 4 h"), hours and minutes under a day."""
    from reporting.measures.service import duration_text

    return duration_text(seconds)
