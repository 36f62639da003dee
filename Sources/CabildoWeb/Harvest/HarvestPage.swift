import CabildoCore
import Mustache

/// The harvest page: every value a string, number or list, worked out from the report alone.
struct HarvestPage: Page {
    static let template = "harvest"
    let layout: Layout
    let heading: String
    let boardLinks: [LinkView]
    let exports: [LinkView]
    let participationChart: BarChart
    let participation: [ParticipationRow]
    let totals: String
    let reach: ReachView
    let daysChart: ColumnChart
    let proposals: [ProposalView]
    let moreProposals: String?
    let threads: [EngagementRow]
    let terms: [TermGroupView]
    let summaries: [SummaryView]
    let generated: String

    init(report: HarvestOverview, language: Language, t: Messages, layout: Layout) {
        self.layout = layout
        heading = report.board?.title(in: language) ?? t["harvest_all_boards"]
        let current = report.board?.slug
        boardLinks = [LinkView(label: t["harvest_all_boards"], path: SiteURL.harvest.path, current: current == nil)]
            + report.boards.map { LinkView(label: $0.title(in: language), path: SiteURL.harvest(board: $0.slug), current: $0.slug == current) }
        exports = ["csv", "json", "md"].map { LinkView(label: $0.uppercased(), path: SiteURL.harvestExport($0, board: current), current: false) }
            + [LinkView(label: t["harvest_departments_csv"], path: SiteURL.harvestDepartmentsCSV(board: current), current: false)]
        let groupName = { (group: Stakeholder) in t["stakeholder_" + group.rawValue] }
        participationChart = BarChart(report.participation.map { (groupName($0.group), $0.posters) }, title: t["harvest_participation_chart"])
        participation = report.participation.map { ParticipationRow(group: groupName($0.group), posters: $0.posters, posts: $0.posts) }
        reach = ReachView(report: report, language: language, t: t)
        totals = t.format("harvest_totals", ["posts": t.count(report.totalPosts, "count_posts"),
                                             "days": t.count(report.postsPerDay.count, "count_days")])
        daysChart = ColumnChart(report.postsPerDay.map { ($0.day, $0.posts) }, title: t["harvest_days_chart"])
        // The page stays small on a phone; the downloads carry every proposal.
        proposals = report.proposals.enumerated().map { ProposalView(rank: $0.offset + 1, $0.element, groupName: groupName, t: t) }
        moreProposals = report.proposalCount > report.proposals.count
            ? t.format("harvest_more_proposals", ["shown": "\(report.proposals.count)", "total": "\(report.proposalCount)"]) : nil
        threads = report.threads.map(EngagementRow.init)
        terms = report.keyTerms.map { board in
            TermGroupView(board: board.board.title(in: language),
                          terms: board.terms.map { LinkView(label: $0.term, path: SiteURL.search($0.term), current: false) })
        }
        summaries = report.summaries.map { SummaryView(title: $0.title, path: SiteURL.thread($0.id), html: $0.summaryHTML ?? "") }
        generated = t.format("harvest_generated", ["date": t.date(report.generatedAt)])
    }

    func value(_ name: String) -> Any? {
        switch name {
        case "heading": heading
        case "boardLinks": boardLinks
        case "exports": exports
        case "reportPath": SiteURL.harvestReport.path
        case "participationChart": participationChart
        case "participation": participation
        case "totals": totals
        case "reach": reach
        case "daysChart": daysChart
        case "proposals": proposals
        case "noProposals": proposals.isEmpty
        case "moreProposals": moreProposals ?? false
        case "threads": threads
        case "terms": terms
        case "summaries": summaries
        case "hasSummaries": !summaries.isEmpty
        case "generated": generated
        default: nil
        }
    }
}

struct LinkView: MustacheParent, Sendable {
    let label: String
    let path: String
    let current: Bool

    func child(named name: String) -> Any? {
        switch name {
        case "label": label
        case "path": path
        case "current": current
        default: nil
        }
    }
}

struct ParticipationRow: MustacheParent, Sendable {
    let group: String
    let posters: Int
    let posts: Int

    func child(named name: String) -> Any? {
        switch name {
        case "group": group
        case "posters": posters
        case "posts": posts
        default: nil
        }
    }
}

struct ProposalView: MustacheParent, Sendable {
    let rank: Int
    let title: String
    let path: String
    let line: String
    let groups: [ParticipationRow]

    init(rank: Int, _ proposal: ThreadHarvest, groupName: (Stakeholder) -> String, t: Messages) {
        self.rank = rank
        title = proposal.title
        path = SiteURL.thread(proposal.id)
        line = t.format("harvest_proposal_line", ["k": "\(proposal.groupsReached)", "endorsements": t.count(proposal.endorsements, "count_endorsements"),
                                                  "score": HarvestExport.score(proposal.bridgingScore)])
        groups = Stakeholder.allCases.compactMap { group in
            guard let count = proposal.endorsementsByGroup[group], count > 0 else { return nil }
            return ParticipationRow(group: groupName(group), posters: count, posts: 0)
        }
    }

    func child(named name: String) -> Any? {
        switch name {
        case "rank": rank
        case "title": title
        case "path": path
        case "line": line
        case "groups": groups
        default: nil
        }
    }
}

struct EngagementRow: MustacheParent, Sendable {
    let title: String
    let path: String
    let participants: Int
    let replies: Int
    let endorsements: Int
    let isProposal: Bool

    init(_ thread: ThreadHarvest) {
        title = thread.title
        path = SiteURL.thread(thread.id)
        participants = thread.participants
        replies = thread.replies
        endorsements = thread.endorsements
        isProposal = thread.isProposal
    }

    func child(named name: String) -> Any? {
        switch name {
        case "title": title
        case "path": path
        case "participants": participants
        case "replies": replies
        case "endorsements": endorsements
        case "isProposal": isProposal
        default: nil
        }
    }
}

struct TermGroupView: MustacheParent, Sendable {
    let board: String
    let terms: [LinkView]

    func child(named name: String) -> Any? {
        switch name {
        case "board": board
        case "terms": terms
        case "hasTerms": !terms.isEmpty
        default: nil
        }
    }
}

struct SummaryView: MustacheParent, Sendable {
    let title: String
    let path: String
    let html: String

    func child(named name: String) -> Any? {
        switch name {
        case "title": title
        case "path": path
        case "html": html
        default: nil
        }
    }
}
