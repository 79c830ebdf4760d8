"""The printable PDF report: a title page, then each dashboard with its key figures, and
each chart drawn (reportlab graphics) above the table of its numbers; pages numbered."""

import io
from datetime import datetime
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import Flowable

from indusx.dashboards.charts import PALETTE, Chart, ChartKind, Dashboard
from indusx.dashboards.period import Period

WIDTH = A4[0] - 36 * mm  # the frame's width
CHART_HEIGHT = 62 * mm
INK = colors.HexColor("#1e293b")
MUTED = colors.HexColor("#5b6776")
RULE = colors.HexColor("#c8d3e0")
FILLS = [colors.HexColor(c) for c in PALETTE]

_styles = getSampleStyleSheet()
TITLE = ParagraphStyle("ReportTitle", parent=_styles["Title"], fontSize=28, leading=34,
                       textColor=colors.HexColor("#1d4e9e"), spaceAfter=8 * mm)
SUBTITLE = ParagraphStyle("ReportSubtitle", parent=_styles["Normal"], fontSize=14, leading=20,
                          textColor=INK, alignment=1)
H1 = ParagraphStyle("H1", parent=_styles["Heading1"], textColor=colors.HexColor("#1d4e9e"))
H2 = ParagraphStyle("H2", parent=_styles["Heading3"], textColor=INK, spaceBefore=6 * mm)
BODY = ParagraphStyle("Body", parent=_styles["Normal"], fontSize=9.5, leading=13, textColor=INK)
NOTE = ParagraphStyle("Note", parent=BODY, fontSize=8.5, leading=11, textColor=MUTED)
CELL = ParagraphStyle("Cell", parent=BODY, fontSize=8, leading=10)


def render(dashboards: list[Dashboard], *, period: Period, generated_at: datetime) -> bytes:
    """Return the report of the given dashboards as PDF bytes."""
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=20 * mm,
        bottomMargin=18 * mm, title=f"INDUS-X dashboards report, {period.label()}",
        author="INDUS-X platform", subject="Dashboards report",
    )
    story: list[Flowable] = _title_page(dashboards, period, generated_at)
    for board in dashboards:
        story.append(PageBreak())
        story += _section(board)
    header = f"INDUS-X dashboards report · {period.label()}"

    def _decorate(canvas: Canvas, _doc: SimpleDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.setFillColor(MUTED)
        if canvas.getPageNumber() > 1:
            canvas.drawString(18 * mm, A4[1] - 12 * mm, header)
        canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, f"Page {canvas.getPageNumber()}")
        canvas.restoreState()

    doc.build(story, onFirstPage=_decorate, onLaterPages=_decorate)
    return buffer.getvalue()


def _title_page(
    dashboards: list[Dashboard], period: Period, generated_at: datetime
) -> list[Flowable]:
    contents = [[Paragraph(f"{i}. {escape(b.title)}", BODY)]
                for i, b in enumerate(dashboards, start=1)]
    table = Table(contents, colWidths=[90 * mm])
    table.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE)]))
    return [
        Spacer(1, 45 * mm),
        Paragraph("INDUS-X dashboards report", TITLE),
        Paragraph(escape(period.label()), SUBTITLE),
        Spacer(1, 4 * mm),
        Paragraph(f"Generated {generated_at:%d %b %Y %H:%M} UTC", SUBTITLE),
        Spacer(1, 18 * mm),
        Paragraph("Contents", H2),
        table,
        Spacer(1, 18 * mm),
        Paragraph("The India-US Defence Acceleration Ecosystem in numbers, for programme "
                  "officers. Every figure is computed from the platform's records for the "
                  "range above; each chart's numbers are printed below it.", NOTE),
    ]


def _section(board: Dashboard) -> list[Flowable]:
    figures = Table(
        [[Paragraph(escape(f.label), NOTE) for f in board.figures],
         [Paragraph(f"<b>{escape(f.value)}</b>", BODY) for f in board.figures]],
        colWidths=[WIDTH / max(len(board.figures), 1)] * len(board.figures),
    )
    figures.setStyle(TableStyle([
        ("BOX", (0, 0), (-1, -1), 0.5, RULE), ("INNERGRID", (0, 0), (-1, -1), 0.25, RULE),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f3f6fa")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    story: list[Flowable] = [Paragraph(escape(board.title), H1), figures, Spacer(1, 2 * mm)]
    story += [Paragraph(escape(note), NOTE) for note in board.notes]
    for chart in board.charts:
        story.append(KeepTogether([
            Paragraph(escape(chart.title), H2),
            Paragraph(escape(chart.summary), BODY),
            Spacer(1, 2 * mm),
            _drawing(chart),
        ]))
        story.append(_numbers(chart))
    return story


def _numbers(chart: Chart) -> Table:
    names = chart.header()
    header = [Paragraph(f"<b>{escape(h)}</b>", CELL) for h in [names[0].capitalize(), *names[1:]]]
    rows = [[Paragraph(escape(str(row[0])), CELL), *(_fmt(v) for v in row[1:])]
            for row in chart.rows()]
    first = WIDTH * (0.4 if len(chart.series) > 1 else 0.6)
    rest = (WIDTH - first) / max(len(chart.series), 1)
    table = Table([header, *rows], colWidths=[first] + [rest] * len(chart.series), repeatRows=1)
    table.setStyle(TableStyle([
        ("FONTSIZE", (0, 0), (-1, -1), 8), ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
        ("LINEBELOW", (0, 0), (-1, 0), 0.5, INK), ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ]))
    return table


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _drawing(chart: Chart) -> Drawing:
    drawing = Drawing(WIDTH, CHART_HEIGHT)
    if not chart.categories or not chart.total():
        drawing.add(String(WIDTH / 2, CHART_HEIGHT / 2, "Nothing to chart in this range",
                           textAnchor="middle", fontName="Helvetica", fontSize=9,
                           fillColor=MUTED))
        return drawing
    legend_width = 42 * mm if len(chart.series) > 1 else 0
    plot_width = WIDTH - legend_width
    data = [list(s.values) for s in chart.series]
    long_labels = max(len(c) for c in chart.categories) > 12 and chart.label != "month"
    if chart.kind is ChartKind.LINE:
        plot = HorizontalLineChart()
        plot.x, plot.y, plot.width, plot.height = 34, 28, plot_width - 44, CHART_HEIGHT - 40
        plot.data = data
        for i in range(len(data)):
            plot.lines[i].strokeColor = FILLS[i % len(FILLS)]
            plot.lines[i].strokeWidth = 1.6
        plot.joinedLines = 1
        _axes(plot, chart, rotate=len(chart.categories) > 6)
    elif chart.kind is ChartKind.FUNNEL or long_labels:
        plot = HorizontalBarChart()
        left = 46 * mm
        plot.x, plot.y = left, 14
        plot.width, plot.height = plot_width - left - 10, CHART_HEIGHT - 22
        # Read top to bottom in the table's order.
        plot.data = [list(reversed(row)) for row in data]
        _bars(plot, chart)
        _axes(plot, chart, rotate=False, categories=list(reversed(chart.categories)))
    else:
        plot = VerticalBarChart()
        plot.x, plot.y, plot.width, plot.height = 34, 30, plot_width - 44, CHART_HEIGHT - 40
        plot.data = data
        _bars(plot, chart)
        _axes(plot, chart, rotate=len(chart.categories) > 5)
    drawing.add(plot)
    if legend_width:
        legend = Legend()
        legend.x, legend.y = plot_width + 4, CHART_HEIGHT - 8
        legend.fontName, legend.fontSize = "Helvetica", 7
        legend.alignment = "right"
        legend.columnMaximum = 10
        legend.colorNamePairs = [(FILLS[i % len(FILLS)], s.name[:28])
                                 for i, s in enumerate(chart.series)]
        drawing.add(legend)
    return drawing


def _bars(plot: VerticalBarChart | HorizontalBarChart, chart: Chart) -> None:
    plot.bars.strokeColor = None
    for i in range(len(chart.series)):
        plot.bars[i].fillColor = FILLS[i % len(FILLS)]
    if chart.kind is ChartKind.STACKED:
        plot.categoryAxis.style = "stacked"
    plot.barSpacing = 1
    plot.groupSpacing = 4


def _axes(plot: object, chart: Chart, *, rotate: bool,
          categories: list[str] | None = None) -> None:
    axis = plot.categoryAxis  # type: ignore[attr-defined]
    axis.categoryNames = [c[:30] for c in (categories or chart.categories)]
    axis.labels.fontName, axis.labels.fontSize = "Helvetica", 6.5
    axis.strokeColor = RULE
    if rotate:
        axis.labels.angle, axis.labels.boxAnchor, axis.labels.dy = 35, "ne", -2
    values = plot.valueAxis  # type: ignore[attr-defined]
    values.valueMin = 0
    values.labels.fontName, values.labels.fontSize = "Helvetica", 6.5
    values.strokeColor = RULE
    values.gridStrokeColor = colors.HexColor("#e7ecf2")
    values.visibleGrid = 1
    values.labelTextFormat = _compact


def _compact(value: float) -> str:
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            return f"{value / size:g}{suffix}"
    return f"{value:g}"
