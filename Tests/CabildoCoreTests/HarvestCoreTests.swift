import CabildoCore
import Foundation
import Testing

@Suite struct HarvestCoreTests {
    func thread(_ id: Int64, _ endorsements: [Stakeholder: Int], age: TimeInterval = 0) -> ThreadHarvest {
        ThreadHarvest(id: id, boardId: 1, boardSlug: "b", title: "t\(id)", isProposal: true, replies: 0, participants: 1,
                      endorsementsByGroup: endorsements, createdAt: Date(timeIntervalSince1970: 1_000_000 - age),
                      lastActivityAt: Date(timeIntervalSince1970: 1_000_000))
    }

    @Test func broadSupportOutranksLoudSupport() {
        let broad = thread(1, [.government: 1, .academia: 1, .civilSociety: 1, .privateSector: 1])
        let loud = thread(2, [.individual: 10])
        #expect(broad.bridgingScore == 4)                      // 4 × log2(2)
        #expect(abs(loud.bridgingScore - 3.4594) < 0.0001)     // log2(11)
        #expect(Bridging.rank([loud, broad]).map(\.id) == [1, 2])
        #expect(broad.groupsReached == 4 && loud.groupsReached == 1)
        // Two groups with 3 each: 2 × log2(4) = 4, a tie with `broad`; 6 endorsements beat 4.
        let twoGroups = thread(3, [.academia: 3, .government: 3])
        #expect(Bridging.rank([broad, twoGroups]).map(\.id) == [3, 1])
        // Same score and total: the older proposal first.
        let older = thread(4, [.academia: 1], age: 100), newer = thread(5, [.government: 1])
        #expect(Bridging.rank([newer, older]).map(\.id) == [4, 5])
        #expect(Bridging.score([:]) == 0)
        // The same endorsements score the same to the last bit, however the dictionary was built
        // (its order of iteration differs; 18·24·18·5·13 and 15·24·9·13·12 tie exactly).
        let counts: [Stakeholder: Int] = [.academia: 17, .civilSociety: 23, .individual: 17, .internationalOrganization: 4, .privateSector: 12]
        var rebuilt = [Stakeholder: Int](minimumCapacity: 64)
        for (group, count) in counts.reversed() { rebuilt[group] = count }
        #expect(Bridging.score(counts) == Bridging.score(rebuilt))
    }

    /// Every field quoted: spreadsheets in Spanish locales also split on `;`.
    @Test func csvFollowsRFC4180AndDefusesFormulas() {
        #expect(CSV.record(["a", "b c", "1"]) == "\"a\",\"b c\",\"1\"\r\n")
        #expect(CSV.record(["x,y", "say \"hi\"", "two\nlines"]) == "\"x,y\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n")
        #expect(CSV.record(["=1+2", "+A1", "-3", "@SUM(A1)", "\tx"]) == "\"'=1+2\",\"'+A1\",\"'-3\",\"'@SUM(A1)\",\"'\tx\"\r\n")
        #expect(CSV.record(["=A1,B1"]) == "\"'=A1,B1\"\r\n")
        #expect(CSV.record(["x;=1+1", "a;b"]) == "\"x;=1+1\",\"a;b\"\r\n")
        #expect(CSV.record([""]) == "\"\"\r\n")
    }

    /// Member text in the Markdown report: all ASCII punctuation escaped, line breaks spaces.
    @Test func markdownTextEscapesAllPunctuationAndStaysOnOneLine() {
        #expect(MarkdownText.escape("Tema\n=== APROBADA") == "Tema \\=\\=\\= APROBADA")
        #expect(MarkdownText.escape("a\u{2028}# b\rc\u{2029}d\u{85}e") == "a \\# b c d e")
        #expect(MarkdownText.escape("<https://x.y>") == "\\<https\\:\\/\\/x\\.y\\>")
        #expect(MarkdownText.escape("1. ~a~ -b +c &amp;") == "1\\. \\~a\\~ \\-b \\+c \\&amp\\;")
        #expect(MarkdownText.escape("Protección ¿sí?") == "Protección ¿sí\\?", "only ASCII punctuation")
        #expect(MarkdownText.fromHTML("<p>Hola <!-- raw HTML omitted --> <a href=\"\">x</a></p>\n<h1>Y</h1>") == "Hola x Y")
    }

    /// Days are Guatemala's calendar days as Foundation's time zone data has them, with every
    /// quiet day between the first and the last post listed.
    @Test func postsCountOnGuatemalasDaysWithQuietDaysListed() throws {
        func post(_ time: String, thread: Int64, author: Int64, group: Stakeholder, opening: Bool = false) throws -> HarvestPost {
            HarvestPost(boardId: 1, threadId: thread, authorId: author, group: group,
                        createdAt: try #require(ISO8601DateFormatter().date(from: time)), isOpening: opening,
                        threadTitle: "Agua potable", body: "Agua potable para el municipio")
        }
        var tally = HarvestTally()
        // 05:59:59 UTC is 23:59:59 of the day before in Guatemala (UTC−6); 06:00 UTC is the next day.
        tally.add(try post("2026-11-02T05:59:59Z", thread: 10, author: 1, group: .academia, opening: true))
        tally.add(try post("2026-11-02T06:00:00Z", thread: 10, author: 2, group: .government))
        tally.add(try post("2026-11-04T12:00:00Z", thread: 10, author: 2, group: .government))
        let board = HarvestReport.BoardRef(id: 1, slug: "agua", titleES: "Agua", titleEN: "Water")
        let created = Date(timeIntervalSince1970: 1_793_000_000)
        let rows = [10, 11].map { id in
            HarvestThreadRow(id: id, boardId: 1, boardSlug: "agua", title: "Hilo \(id)", isProposal: false, createdAt: created,
                             lastActivityAt: created, endorsementsByGroup: [:], summaryMarkdown: nil, summaryHTML: nil)
        }
        let snapshot = tally.snapshot(generatedAt: created, boards: [board], threads: rows)
        #expect(snapshot.postsPerDay == [DayCount(day: "2026-11-01", posts: 1), DayCount(day: "2026-11-02", posts: 1),
                                         DayCount(day: "2026-11-03", posts: 0), DayCount(day: "2026-11-04", posts: 1)])
        #expect(snapshot.postsPerDayByBoard[1] == snapshot.postsPerDay)
        #expect(snapshot.threads.map(\.id) == [10], "a thread with no visible post is left out")
        let thread = try #require(snapshot.threads.first)
        #expect(thread.replies == 2 && thread.participants == 2)
        // Every group is listed, those nobody spoke for with zeros.
        let spoke: [Stakeholder: (posters: Int, posts: Int)] = [.government: (1, 2), .academia: (1, 1)]
        #expect(snapshot.participation == Stakeholder.allCases.map {
            GroupParticipation(group: $0, posters: spoke[$0]?.posters ?? 0, posts: spoke[$0]?.posts ?? 0)
        })
        #expect(snapshot.report(boardId: 1).keyTerms.first?.terms.first?.term == "agua potable")

        // In 2006 Guatemala kept daylight saving time (UTC−5) from 30 April to 1 October: 05:30
        // UTC on 1 June was already that day there; a fixed UTC−6 put it on 31 May.
        var summer = HarvestTally()
        summer.add(try post("2006-06-01T05:30:00Z", thread: 10, author: 1, group: .academia, opening: true))
        #expect(summer.snapshot(generatedAt: created, boards: [board], threads: rows).postsPerDay == [DayCount(day: "2006-06-01", posts: 1)])
    }
}
