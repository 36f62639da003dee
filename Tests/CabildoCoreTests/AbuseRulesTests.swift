import Foundation
import Testing
@testable import CabildoCore

/// The Core rules behind issue 13: Markdown bounds, the text watched words match, publishing, who counts.
@Suite struct AbuseRulesTests {
    @Test func markdownOutsideTheBoundsIsRefusedAndOrdinaryPostsPass() {
        #expect(MarkdownBounds.check(String(repeating: "|", count: 20_000)) != nil, "the 20 k-pipe table")
        let wide = (0..<10).map { _ in String(repeating: "| a ", count: 70) + "|" }.joined(separator: "\n")
        #expect(MarkdownBounds.check(wide) != nil, "70 columns")
        #expect(MarkdownBounds.check(String(repeating: "> ", count: 40) + "x") != nil)
        #expect(MarkdownBounds.check(String(repeating: "[", count: 100) + "x") != nil)
        #expect(MarkdownBounds.check(String(repeating: "- ", count: 40) + "x") != nil)
        let table = "| depto | % |\n| --- | --- |\n" + (0..<200).map { "| d\($0) | \($0) |" }.joined(separator: "\n")
        #expect(MarkdownBounds.check(table) == nil, "a long, narrow table is fine")
        #expect(MarkdownBounds.check("Título\n------------------------------\n\n> cita\n> > cita de cita\n\n- uno\n  - dos") == nil)
        #expect(MarkdownBounds.check("[a](b) [c](d) " + String(repeating: "[x] ", count: 200)) == nil, "closed brackets do not add up")
    }

    @Test func aPathologicalTableWithinTheBoundsRendersQuickly() {
        // The largest table the bounds allow, rendered once: seconds here would mean the bound is too loose.
        let row = String(repeating: "| a ", count: 20) + "|"
        let table = ([row, String(repeating: "| - ", count: 20) + "|"] + Array(repeating: row, count: 88)).joined(separator: "\n")
        #expect(MarkdownBounds.check(table) == nil)
        #expect(Markdown.render(table).contains("<table>"))
    }

    @Test func readableTextIsWhatTheReaderSees() {
        #expect(ReadableText.of(html: "<p>es<strong>ta</strong>fa</p>") == " estafa ")
        #expect(ReadableText.of(html: "<p>es\u{200B}tafa &amp; m&#225;s</p>") == " estafa & más ")
        #expect(ReadableText.of(html: "<p>uno</p><p>dos</p>").split(separator: " ") == ["uno", "dos"], "blocks separate words")
    }

    @Test func editsAndNewPostsMeetTheSameVerdict() {
        let words = [WatchedWord(id: 1, phrase: "rifa", response: .hold), WatchedWord(id: 2, phrase: "estafa", response: .block)]
        func verdict(_ html: String, exempt: Bool = false, published: Int = 5, holdFirst: Int = 0) -> PublishingVerdict {
            Publishing.verdict(title: nil, bodyHTML: html, watchedWords: words, reviewExempt: exempt,
                               publishedPosts: published, holdFirstPosts: holdFirst)
        }
        #expect(verdict("<p>la gran <em>ri</em>fa</p>") == .hold)
        #expect(verdict("<p>es<strong>ta</strong>fa</p>") == .block(phrase: "estafa"))
        #expect(verdict("<p>es<strong>ta</strong>fa</p>", exempt: true) == .block(phrase: "estafa"), "staff are blocked too")
        #expect(verdict("<p>la rifa</p>", exempt: true) == .publish)
        #expect(verdict("<p>hola</p>", published: 1, holdFirst: 2) == .hold)
        #expect(verdict("<p>hola</p>", published: 2, holdFirst: 2) == .publish)
        #expect(Publishing.verdict(title: "Es\u{200B}tafa", bodyHTML: "<p>x</p>", watchedWords: words, reviewExempt: false,
                                   publishedPosts: 5, holdFirstPosts: 0) == .block(phrase: "estafa"))
    }

    @Test func flagsNeverHideStaffPosts() {
        let rule = AutoHideRule(threshold: 3)
        #expect(rule.hides(countedFlags: 3, authorRole: .member))
        #expect(rule.hides(countedFlags: 3, authorRole: .committee))
        #expect(!rule.hides(countedFlags: 30, authorRole: .moderator))
        #expect(!rule.hides(countedFlags: 30, authorRole: .admin))
        #expect(!rule.hides(countedFlags: 2, authorRole: .member))
    }

    @Test func anyModeratorUndoesTheForumsOwnHiding() {
        let moderator = User(id: 1, username: "m", role: .moderator, stakeholder: .academia, language: nil, createdAt: Date())
        let admin = Account(id: 2, role: .admin)
        #expect(!Permissions.can(moderator, .restorePost, on: admin, at: Date()), "a moderator's own decision stays bounded by rank")
        #expect(Permissions.can(moderator, .undoAutomaticHide, on: admin, at: Date()))
        let member = User(id: 3, username: "x", role: .member, stakeholder: .academia, language: nil, createdAt: Date())
        #expect(!Permissions.can(member, .undoAutomaticHide, on: admin, at: Date()))
    }
}
