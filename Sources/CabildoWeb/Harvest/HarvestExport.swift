import CabildoCore
import Foundation

/// The harvest as CSV, JSON and Markdown. The web (`/harvest.csv|json|md`) and the CLI
/// (`cabildo harvest`) both call these, so their files are the same. Nothing here carries a
/// password, session, address or e-mail: the report only ever holds public forum content.
public struct HarvestExport: Sendable {
    /// `https://foro.example.gt`, or nil for site-relative links.
    let baseURL: String?
    /// Spanish: the report goes into the agenda draft (the report's page follows its reader).
    let t: Messages
    let language: Language

    init(baseURL: String?, t: Messages, language: Language = .es) {
        self.baseURL = baseURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        self.t = t
        self.language = language
    }

    /// For the CLI: the Spanish catalog read from the templates folder, as the server reads it.
    public init(baseURL: String?, templatesDirectory: String, timeZone: TimeZone) throws {
        self.init(baseURL: baseURL, t: try Catalogs.load(directory: templatesDirectory, timeZone: timeZone)[.es])
    }

    func url(_ thread: ThreadHarvest) -> String { (baseURL ?? "") + SiteURL.thread(thread.id) }

    // MARK: CSV

    public static let csvColumns = ["board", "id", "title", "url", "is_proposal", "replies", "participants", "endorsements"]
        + Stakeholder.allCases.map { "endorsements_" + $0.rawValue.replacingOccurrences(of: "-", with: "_") }
        + ["groups_reached", "bridging_score", "created", "last_activity", "summary"]

    /// One row per thread, most engaged first.
    public func csv(_ report: HarvestReport) -> String { csvPieces(report).joined() }

    /// The same CSV a piece at a time: the header, then `threadsPerPiece` rows each. A download
    /// is written as it is made, so 50,000 threads never sit in memory as one file (issue 20).
    public func csvPieces(_ report: HarvestReport) -> some Sequence<String> {
        let threads = report.threads
        return (-1..<Self.pieces(threads.count)).lazy.map { piece in
            guard piece >= 0 else { return CSV.record(Self.csvColumns) }
            return Self.piece(piece, of: threads).map { thread in
                CSV.record([
                    thread.boardSlug, String(thread.id), thread.title, url(thread), thread.isProposal ? "yes" : "no",
                    String(thread.replies), String(thread.participants), String(thread.endorsements),
                ] + Stakeholder.allCases.map { String(thread.endorsementsByGroup[$0] ?? 0) } + [
                    String(thread.groupsReached), Self.score(thread.bridgingScore),
                    DateText.iso8601(thread.createdAt), DateText.iso8601(thread.lastActivityAt), thread.summaryMarkdown ?? "",
                ])
            }.joined()
        }
    }

    static let threadsPerPiece = 500

    static func pieces(_ count: Int) -> Int { (count + threadsPerPiece - 1) / threadsPerPiece }

    static func piece(_ index: Int, of threads: [ThreadHarvest]) -> ArraySlice<ThreadHarvest> {
        threads[index * threadsPerPiece..<min(threads.count, (index + 1) * threadsPerPiece)]
    }

    static func score(_ value: Double) -> String { String(format: "%.3f", value) }

    // MARK: JSON

    struct ThreadJSON: Encodable {
        let board: String, id: Int64, title: String, url: String
        let is_proposal: Bool, replies: Int, participants: Int, endorsements: Int
        let endorsements_by_group: [String: Int], groups_reached: Int, bridging_score: Double
        let created_at: String, last_activity_at: String, summary: String?
    }

    struct ReportJSON: Encodable {
        struct Board: Encodable { let slug: String, title_es: String, title_en: String }
        struct Participation: Encodable { let group: String, posters: Int, posts: Int }
        struct Day: Encodable { let day: String, posts: Int }
        struct Term: Encodable { let term: String, count: Int, score: Double }
        struct Terms: Encodable { let board: String, terms: [Term] }
        let generated_at: String
        let board: Board?
        let bridging_formula: String
        let participation: [Participation]
        let reach_formula: String
        let departments: DepartmentsJSON
        /// Each board's, in the forum's view.
        let departments_by_board: [DepartmentsJSON]
        let posts_per_day: [Day]
        let threads: ThreadList
        let proposals: ThreadList
        let key_terms: [Terms]
    }

    /// The report's two lists of threads: in full, or an empty string that `jsonPieces`
    /// replaces with the list written a piece at a time.
    enum ThreadList: Encodable {
        case whole([ThreadJSON])
        case written

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .whole(let threads): try container.encode(threads)
            case .written: try container.encode("")
            }
        }
    }

    /// The report as one JSON document, as `JSONEncoder` writes it whole.
    public func json(_ report: HarvestReport) -> String { jsonPieces(report).joined() }

    /// The same document a piece at a time. JSONEncoder holds every value of a document, several
    /// times its 38 MB at a million posts (issue 20), so the lists of threads are left out of
    /// the whole (as empty strings, on lines of their own since the keys are sorted and the
    /// output indented) and written a piece at a time, each thread encoded alone and indented
    /// as it would be inside the whole. `HarvestTests` checks the bytes equal the whole's.
    public func jsonPieces(_ report: HarvestReport) -> some Sequence<String> {
        /// What a piece is, worked out before any is written: the pieces themselves are made one
        /// at a time, as they are read.
        enum Piece { case text(String), list(first: Bool, [ThreadHarvest]) }
        var plan: [Piece]
        let frame = report.threads.isEmpty ? "" : Self.encoded(reportJSON(report, threads: .written, proposals: .written))
        let proposalsKey = "\n  \"proposals\" : \"\"", threadsKey = "\n  \"threads\" : \"\""
        if let proposalsAt = frame.range(of: proposalsKey), let threadsAt = frame.range(of: threadsKey) {
            func list(_ threads: [ThreadHarvest]) -> [Piece] {
                if threads.isEmpty { return [.text("[\n\n  ]")] }
                return [.text("[\n")] + (0..<Self.pieces(threads.count)).map { .list(first: $0 == 0, Array(Self.piece($0, of: threads))) }
                    + [.text("\n  ]")]
            }
            plan = [.text(String(frame[..<proposalsAt.lowerBound]) + "\n  \"proposals\" : ")] + list(report.proposals)
                + [.text(String(frame[proposalsAt.upperBound..<threadsAt.lowerBound]) + "\n  \"threads\" : ")] + list(report.threads)
                + [.text(String(frame[threadsAt.upperBound...]))]
        } else {
            plan = [.text(Self.encoded(reportJSON(report, threads: .whole(report.threads.map(threadJSON)),
                                                  proposals: .whole(report.proposals.map(threadJSON)))))]
        }
        return plan.lazy.map { piece in
            switch piece {
            case .text(let text): return text
            case .list(let first, let threads):
                // A piece is encoded as a list of its own, "[\n  {…},\n  {…}\n]\n", and spliced in:
                // its brackets dropped, its lines indented one level more.
                let lines = Self.encoded(threads.map(threadJSON)).split(separator: "\n")
                return (first ? "" : ",\n") + lines.dropFirst().dropLast().map { "  " + $0 }.joined(separator: "\n")
            }
        }
    }

    func threadJSON(_ t: ThreadHarvest) -> ThreadJSON {
        ThreadJSON(board: t.boardSlug, id: t.id, title: t.title, url: url(t), is_proposal: t.isProposal, replies: t.replies,
                   participants: t.participants, endorsements: t.endorsements,
                   endorsements_by_group: Dictionary(uniqueKeysWithValues: Stakeholder.allCases.map { ($0.rawValue, t.endorsementsByGroup[$0] ?? 0) }),
                   groups_reached: t.groupsReached, bridging_score: (t.bridgingScore * 1000).rounded() / 1000,
                   created_at: DateText.iso8601(t.createdAt), last_activity_at: DateText.iso8601(t.lastActivityAt),
                   summary: t.summaryMarkdown)
    }

    /// Sorted keys, indented, a newline at the end.
    static func encoded(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) + "\n" } ?? "{}\n"
    }

    func reportJSON(_ report: HarvestReport, threads: ThreadList, proposals: ThreadList) -> ReportJSON {
        ReportJSON(
            generated_at: DateText.iso8601(report.generatedAt),
            board: report.board.map { .init(slug: $0.slug, title_es: $0.titleES, title_en: $0.titleEN) },
            bridging_formula: "sum over stakeholder groups g of log2(1 + endorsements from g)",
            participation: report.participation.map { .init(group: $0.group.rawValue, posters: $0.posters, posts: $0.posts) },
            reach_formula: Self.reachFormula,
            departments: DepartmentsJSON(board: report.board?.slug, report.departments),
            departments_by_board: report.board != nil ? [] : report.departmentsByBoard.map { DepartmentsJSON(board: $0.board.slug, $0.participation) },
            posts_per_day: report.postsPerDay.map { .init(day: $0.day, posts: $0.posts) },
            threads: threads,
            proposals: proposals,
            key_terms: report.keyTerms.map { board in
                .init(board: board.board.slug, terms: board.terms.map { .init(term: $0.term, count: $0.count, score: ($0.score * 1000).rounded() / 1000) })
            }
        )
    }

    // MARK: Markdown

    /// A report to paste into the agenda draft.
    public func markdown(_ report: HarvestReport) -> String {
        var md = "# " + t["harvest"] + ": " + (report.board.map { Self.escape($0.titleES) } ?? t["harvest_all_boards"]) + "\n\n"
        md += t.format("harvest_generated", ["date": t.date(report.generatedAt)]) + "\n\n"
        md += "## " + t["harvest_participation"] + "\n\n" + participationTable(report)
        md += "\n" + departmentsMarkdown(report)
        md += "\n## " + t["harvest_proposals"] + "\n\n" + t["harvest_formula"] + "\n\n" + proposalList(report.proposals)
        md += "\n## " + t["harvest_threads"] + "\n\n"
        for thread in report.threads.prefix(20) {
            md += "- [\(Self.escape(thread.title))](\(url(thread))): "
            md += t.format("harvest_thread_line", ["p": "\(thread.participants)", "r": "\(thread.replies)", "e": "\(thread.endorsements)"]) + "\n"
        }
        md += "\n## " + t["harvest_terms"] + "\n\n"
        for board in report.keyTerms where !board.terms.isEmpty {
            md += "- **\(Self.escape(board.board.titleES))**: " + board.terms.map { Self.escape($0.term) }.joined(separator: ", ") + "\n"
        }
        let summaries = report.summaries
        if !summaries.isEmpty {
            md += "\n## " + t["harvest_summaries"] + "\n" + summaryList(summaries, heading: "###")
        }
        return md
    }

    /// Posters and posts per stakeholder group, as a table.
    func participationTable(_ report: some HarvestFigures) -> String {
        var md = "| " + t["harvest_group"] + " | " + t["harvest_posters"] + " | " + t["harvest_posts"] + " |\n| --- | ---: | ---: |\n"
        for row in report.participation {
            md += "| \(t["stakeholder_" + row.group.rawValue]) | \(row.posters) | \(row.posts) |\n"
        }
        return md
    }

    /// Proposals as ranked, each with its endorsements by group.
    func proposalList(_ proposals: some Collection<ThreadHarvest>) -> String {
        if proposals.isEmpty { return t["harvest_no_proposals"] + "\n" }
        var md = ""
        for (index, proposal) in proposals.enumerated() {
            md += "\(index + 1). [\(Self.escape(proposal.title))](\(url(proposal))): "
            md += t.format("harvest_proposal_line", ["k": "\(proposal.groupsReached)", "endorsements": t.count(proposal.endorsements, "count_endorsements"),
                                                     "score": Self.score(proposal.bridgingScore)]) + "\n"
            let groups = Stakeholder.allCases.compactMap { group in
                proposal.endorsementsByGroup[group].flatMap { $0 > 0 ? "\(t["stakeholder_" + group.rawValue]) \($0)" : nil }
            }
            if !groups.isEmpty { md += "   " + groups.joined(separator: " · ") + "\n" }
        }
        return md
    }

    /// Each synthesis under its thread's linked title.
    func summaryList(_ threads: [ThreadHarvest], heading: String) -> String {
        // The summary as the site shows it, in words: its Markdown was written for the site's
        // safe renderer, and pasted raw here it would carry raw HTML and `javascript:` links
        // into whatever renders the report next.
        threads.map { "\n\(heading) [\(Self.escape($0.title))](\(url($0)))\n\n" + MarkdownText.fromHTML($0.summaryHTML ?? "") + "\n" }.joined()
    }

    /// Text typed on the site (titles, board names, terms), as text and on one line.
    static func escape(_ text: String) -> String { MarkdownText.escape(text) }
}
