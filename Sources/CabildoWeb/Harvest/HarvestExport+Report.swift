import CabildoCore
import Foundation

/// The consultation report in Markdown: the document the 2018 committee wrote by hand, from
/// what the forum produced. First the forum as a whole, then each board: participation by
/// stakeholder group and by department (with the share from outside the department of
/// Guatemala, the report's own measure of reach), the
/// proposals with the broadest support, key terms, syntheses, and the committee's conclusions
/// and recommendations. `/harvest/report` is this text rendered; the CLI prints it.
extension HarvestExport {
    /// Proposals listed per board, and for the forum as a whole.
    static let reportProposals = 10

    public func report(_ report: ConsultationReport) -> String {
        let forum = report.forum
        var md = "# " + t["report_title"] + "\n\n"
        md += t.format("harvest_generated", ["date": t.date(forum.generatedAt)]) + "\n\n"
        md += "## " + t["report_forum"] + "\n\n" + totals(forum) + "\n"
        md += "### " + t["harvest_participation"] + "\n\n" + participationTable(forum)
        md += "\n" + departmentsMarkdown(forum, heading: "###")
        md += "\n### " + t["report_top_proposals"] + "\n\n" + t["harvest_formula"] + "\n\n"
            + proposalList(forum.proposals.prefix(Self.reportProposals))
        for section in report.boards {
            let harvest = section.harvest
            md += "\n## " + Self.escape(harvest.board?.title(in: language) ?? "") + "\n\n"
            if let board = section.board { md += phaseAndPanel(board) }
            if harvest.totalPosts == 0 {
                md += t["report_board_empty"] + "\n"
            } else {
                md += totals(harvest) + "\n### " + t["harvest_participation"] + "\n\n" + participationTable(harvest)
                md += "\n" + departmentsMarkdown(harvest, heading: "###")
                md += "\n### " + t["report_top_proposals"] + "\n\n" + proposalList(harvest.proposals.prefix(Self.reportProposals))
            }
            if let terms = harvest.keyTerms.first?.terms, !terms.isEmpty {
                md += "\n### " + t["harvest_terms"] + "\n\n" + terms.map { Self.escape($0.term) }.joined(separator: ", ") + "\n"
            }
            let summaries = harvest.summaries
            if !summaries.isEmpty { md += "\n### " + t["harvest_summaries"] + "\n" + summaryList(summaries, heading: "####") }
            md += "\n### " + t["conclusions"] + "\n\n"
            if let conclusions = section.conclusions {
                // As the site shows them, in words, for the same reason as syntheses.
                md += MarkdownText.fromHTML(conclusions.conclusionsHTML) + "\n"
                if !conclusions.recommendationsHTML.isEmpty {
                    md += "\n### " + t["recommendations"] + "\n\n" + MarkdownText.fromHTML(conclusions.recommendationsHTML) + "\n"
                }
            } else {
                md += t["report_no_conclusions"] + "\n"
            }
        }
        return md
    }

    /// When the board took posts, and its live panel: when, where, who, the stream.
    private func phaseAndPanel(_ board: Board) -> String {
        let schedule = board.schedule
        let key = switch (schedule.opensAt, schedule.closesAt) {
        case (.some, .some): "report_phase_from_to"
        case (.some, nil): "report_phase_from"
        case (nil, .some): "report_phase_to"
        case (nil, nil): "report_phase_always"
        }
        var md = t.format(key, ["opens": schedule.opensAt.map { t.dates.day($0, language) } ?? "",
                                "closes": schedule.closesAt.map { t.dates.day($0, language) } ?? ""]) + "\n\n"
        guard let panel = board.panel else { return md }
        let view = PanelView(panel, slug: board.slug, t: t)
        let facts = [("panel_date", view.when), ("panel_place", panel.place), ("panel_moderators", panel.moderators),
                     ("panel_panelists", panel.panelists), ("panel_stream", panel.streamURL)]
        md += "**" + t["panel"] + "**\n\n"
        for (key, value) in facts where !value.isEmpty {
            // The date is the forum's own words; a stream address stays a bare address (its link);
            // what an admin typed is text.
            let isLink = key == "panel_stream" && !value.contains(where: { $0.isWhitespace || $0 == "<" || $0 == ">" })
            md += "- " + t[key] + ": " + (key == "panel_date" ? value : isLink ? "<" + value + ">" : Self.escape(value)) + "\n"
        }
        return md + "\n"
    }

    /// Participants, posts, threads, proposals and endorsements, in one sentence.
    private func totals(_ harvest: HarvestOverview) -> String {
        t.format("report_totals", [
            "participants": "\(harvest.participation.reduce(0) { $0 + $1.posters })", "posts": "\(harvest.totalPosts)",
            "threads": "\(harvest.threadCount)", "proposals": "\(harvest.proposalCount)",
            "endorsements": "\(harvest.proposalEndorsements)",
        ]) + "\n"
    }
}
