import Testing
@testable import CabildoCore

/// `@name` in posts: found in text only, linked only for the names the caller gives, read back
/// from the rendered post.
@Suite struct MentionTests {
    @Test func findsNamesInTextButNotInCodeLinksOrAddresses() {
        // given a post that writes @names in every place one can
        let source = """
            Hola @Ana_B y @beto-2, ¿y @zz? Escriba a ana@ejemplo.org o vea https://x.gt/@ana.

            `@carla` en código, [@dario](/u/dario) en un enlace, **@Elena** en negrita.

                @fede en un bloque de código
            """

        // when its mentions are listed
        let names = Markdown.mentionedNames(in: source)

        // then only those in running text count (keys: case folded), each once, and names shorter than 3 are not names
        #expect(names == ["ana_b", "beto-2", "elena"])
    }

    @Test func keepsTheFirstTenDifferentNames() {
        let source = (1...12).map { "@persona\($0)" }.joined(separator: " ") + " @persona1"
        #expect(Markdown.mentionedNames(in: source) == (1...10).map { "persona\($0)" })
    }

    @Test func linksOnlyTheGivenNamesAsTypedAndReadsThemBack() {
        // given two names of which one is an account
        let html = Markdown.render("Gracias @Ana_B y @nadie, y otra vez @ana_b.", mentions: ["ana_b": "/u/Ana_B"])

        // then the account's mentions are links keeping the text as typed, the other stays text
        #expect(html == "<p>Gracias <a class=\"mention\" href=\"/u/Ana_B\">@Ana_B</a> y @nadie, y otra vez <a class=\"mention\" href=\"/u/Ana_B\">@ana_b</a>.</p>\n")
        // and the store reads back whom the post mentions, once each
        #expect(Mentions.linkedUsernames(inHTML: html) == ["Ana_B"])
    }

    @Test func accentedNamesAreLinkedAndReadBackThroughTheirEscapedAddress() {
        let html = Markdown.render("@María dice", mentions: ["maría": "/u/Mar%C3%ADa"])
        #expect(html.contains("<a class=\"mention\" href=\"/u/Mar%C3%ADa\">@María</a>"))
        #expect(Mentions.linkedUsernames(inHTML: html) == ["María"])
    }

    @Test func aMemberCannotForgeAMentionLink() {
        // Raw HTML is dropped and a code span is escaped: no `class="mention"` link comes from typing one.
        let html = Markdown.render("<a class=\"mention\" href=\"/u/admin\">x</a> `<a class=\"mention\" href=\"/u/admin\">` [y](/u/admin)")
        #expect(Mentions.linkedUsernames(inHTML: html) == [])
    }
}
