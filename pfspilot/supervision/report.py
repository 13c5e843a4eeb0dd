"""The printable report of a supervision (PDF drawn with ReportLab, French layout: A4, dates
JJ/MM/AAAA, figures by `formatting.fr_figure`)."""

import io
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from pfspilot.formatting import fr_figure

from . import selectors
from .models import Evaluation, Supervision


def _date(value) -> str:
    return value.strftime("%d/%m/%Y") if value else "—"


def _instant(value) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y à %H:%M") if value else "—"


def supervision_pdf(supervision: Supervision) -> bytes:
    styles = getSampleStyleSheet()
    body, heading = styles["BodyText"], styles["Heading2"]
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=f"Compte rendu de supervision — {supervision.agent}",
        author="PFS Pilot",
        lang="fr-FR",
    )
    story = [
        Paragraph("Compte rendu de supervision", styles["Title"]),
        Table(
            [
                ["Agent", escape(str(supervision.agent))],
                ["Équipe", escape(str(supervision.team or "—"))],
                ["Superviseur", escape(str(supervision.supervisor))],
                ["Campagne", supervision.campaign.semester],
                ["Jour prévu", _date(supervision.day)],
                ["Débriefing oral", _date(supervision.debrief_on)],
                ["Note globale", fr_figure(selectors.overall_score(supervision), "percent")],
            ],
            colWidths=[45 * mm, 125 * mm],
            style=TableStyle([("FONTNAME", (0, 0), (0, -1), "Helvetica-Bold")]),
        ),
        Spacer(1, 6 * mm),
        Paragraph("Éléments évalués", heading),
    ]
    rows = [["Élément", "Date", "Motif", "Note", "Résultat"]]
    evaluations = Evaluation.objects.filter(
        item__supervision=supervision, calibration=False
    ).select_related("item")
    for e in evaluations:
        verdict = (
            "critère critique manqué"
            if e.failed_critical
            else ("réussi" if e.passed else "à revoir")
        )
        rows.append(
            [
                f"{e.item.get_kind_display()} {e.item.item_id}",
                _date(e.item.day),
                Paragraph(escape(e.item.motif or "—"), body),
                fr_figure(e.score, "percent"),
                verdict,
            ]
        )
    if len(rows) == 1:
        rows.append(["Aucune évaluation", "", "", "", ""])
    table = Table(rows, colWidths=[45 * mm, 22 * mm, 48 * mm, 22 * mm, 33 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story += [table, Spacer(1, 6 * mm), Paragraph("Retranscription du débriefing", heading)]
    for paragraph in (supervision.transcription or "—").split("\n"):
        story.append(Paragraph(escape(paragraph) or "&nbsp;", body))
    story += [
        Spacer(1, 6 * mm),
        Paragraph(
            f"Signé par {escape(str(supervision.signed_by or '—'))} le {_instant(supervision.signed_at)}.",
            body,
        ),
        Paragraph(
            f"Prise de connaissance par l'agent : {_instant(supervision.acknowledged_at)}.", body
        ),
    ]
    if supervision.agent_comment:
        story.append(
            Paragraph(f"Commentaire de l'agent : {escape(supervision.agent_comment)}", body)
        )
    doc.build(story)
    return buffer.getvalue()
