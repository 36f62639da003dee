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

    /// Participants, posts, threads, proposals and endorsements, in one sentence.
    private func totals(_ harvest: HarvestReport) -> String {
        t.format("report_totals", [
            "participants": "\(harvest.participation.reduce(0) { $0 + $1.posters })", "posts": "\(harvest.totalPosts)",
            "threads": "\(harvest.threads.count)", "proposals": "\(harvest.proposals.count)",
            "endorsements": "\(harvest.proposals.reduce(0) { $0 + $1.endorsements })",
        ]) + "\n"
    }
}
