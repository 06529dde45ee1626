from django import template

register = template.Library()


@register.inclusion_tag("reporting/_chart.html")
def chart(chart, caption: str = "", numbers_open: bool = False):
    """A chart from reporting.charts with the table of its numbers."""
    return {"chart": chart, "caption": caption, "numbers_open": numbers_open}
