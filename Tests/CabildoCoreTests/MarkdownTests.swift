import Testing
@testable import CabildoCore

@Suite struct MarkdownTests {
    @Test func rendersGitHubFlavouredMarkdown() {
        let html = Markdown.render("""
            **negrita** y ~~tachado~~, visite https://igf.gt

            | tema | votos |
            | --- | --- |
            | datos | 3 |
            """)
        #expect(html.contains("<strong>negrita</strong>"))
        #expect(html.contains("<del>tachado</del>"))
        #expect(html.contains("<a rel=\"nofollow ugc noopener\" href=\"https://igf.gt\">https://igf.gt</a>"))
        #expect(html.contains("<table>"))
    }

    @Test(arguments: [
        ("<script>alert(1)</script>", "<script"),
        ("<img src=x onerror=alert(1)>", "<img"),
        ("[x](javascript:alert(1))", "javascript:"),
        ("[x](JaVaScRiPt:alert(1))", "javascript:"),
        ("[x](  javascript:alert(1))", "javascript:"),
        ("[x](vbscript:msgbox)", "vbscript:"),
        ("[x](data:text/html;base64,PHNjcmlwdD4=)", "data:"),
        ("<svg/onload=alert(1)>", "<svg"),
        ("<iframe src=//x>", "<iframe"),
        ("<details open ontoggle=alert(1)>", "<details"),
        ("![pixel](https://tracker.example/p.png)", "<img"),
    ])
    func dropsDangerousMarkup(_ source: String, _ forbidden: String) {
        #expect(!Markdown.render(source).lowercased().contains(forbidden))
    }

    @Test func rendersConcurrently() async {
        let outputs = await withTaskGroup(of: String.self) { group in
            for index in 0..<64 { group.addTask { Markdown.render("| a | b |\n| - | - |\n| \(index) | ~~x~~ |") } }
            return await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(outputs.count == 64)
        let wrong = outputs.filter { !($0.contains("<table>") && $0.contains("<del>x</del>")) }
        #expect(wrong.isEmpty, "\(wrong.prefix(3))")
    }

    @Test func imagesBecomeLinks() {
        let html = Markdown.render("![mapa](https://example.gt/mapa.png)")
        #expect(html.contains("<a rel=\"nofollow ugc noopener\" href=\"https://example.gt/mapa.png\">mapa</a>"))
    }

    @Test func relativeAndMailLinksAreKept() {
        #expect(Markdown.render("[hilo](/t/3)").contains("href=\"/t/3\""))
        #expect(Markdown.render("[correo](mailto:comite@igf.gt)").contains("href=\"mailto:comite@igf.gt\""))
        #expect(Markdown.isAllowedURL("/b/x?a=b:c"))
        #expect(!Markdown.isAllowedURL("ftp://x"))
    }
}

@Suite struct PasswordHasherTests {
    let hasher = PasswordHasher(memoryKiB: 64, iterations: 1, parallelism: 1)

    @Test func hashesToAPHCStringThatVerifies() throws {
        let phc = try hasher.hash("contraseña correcta")
        #expect(phc.hasPrefix("$argon2id$v=19$m=64,t=1,p=1$"))
        #expect(hasher.verify("contraseña correcta", against: phc))
        #expect(!hasher.verify("contraseña incorrecta", against: phc))
        #expect(!hasher.verify("x", against: "not a phc string"))
        #expect(try hasher.hash("contraseña correcta") != phc, "a fresh salt each time")
    }

    @Test func defaultsFollowOWASP() {
        let defaults = PasswordHasher()
        #expect(defaults.memoryKiB == 19456 && defaults.iterations == 2 && defaults.parallelism == 1)
    }

    @Test func knowsWhenAHashNeedsRedoing() throws {
        let phc = try hasher.hash("x")
        #expect(!hasher.needsRehash(phc))
        #expect(PasswordHasher(memoryKiB: 128, iterations: 1, parallelism: 1).needsRehash(phc))
    }
}

@Suite struct RulesTests {
    @Test(arguments: ["ana", "José_Pérez", "user-42", "ñandú"])
    func acceptsUsernames(_ name: String) { #expect(Rules.validateUsername(name) == nil) }

    @Test(arguments: ["ab", "con espacio", "<script>", "a@b", String(repeating: "x", count: 31), "ana;drop"])
    func refusesUsernames(_ name: String) { #expect(Rules.validateUsername(name) != nil) }

    @Test func usernameKeysFoldCaseAndWidth() {
        #expect(Rules.usernameKey("ＡＮＡ") == Rules.usernameKey("ana"))
        #expect(Rules.usernameKey("José") == Rules.usernameKey("JOSE\u{301}"))
    }

    @Test func lengthsCountScalarsLikeTheDatabaseDoes() {
        // 75 flags are 75 characters but 150 scalars; 76 would break the schema's CHECK.
        #expect(Rules.validateTitle(String(repeating: "🇬🇹", count: 75)) == nil)
        #expect(Rules.validateTitle(String(repeating: "🇬🇹", count: 76)) != nil)
        #expect(Rules.validateUsername(String(repeating: "e\u{301}\u{302}", count: 16)) != nil)
    }

    @Test func passwordLength() {
        #expect(Rules.validatePassword("123456789", confirmation: nil) != nil)
        #expect(Rules.validatePassword("1234567890", confirmation: nil) == nil)
        #expect(Rules.validatePassword(String(repeating: "a", count: 129), confirmation: nil) != nil)
    }

    @Test func acceptLanguagePicksTheBestSupported() {
        #expect(Language.preferred(acceptLanguage: "en-US,en;q=0.9") == .en)
        #expect(Language.preferred(acceptLanguage: "fr, en;q=0.4, es;q=0.8") == .es)
        #expect(Language.preferred(acceptLanguage: "de") == nil)
        #expect(Language.preferred(acceptLanguage: nil) == nil)
    }
}

@Suite struct ThreadTreeTests {
    func post(_ id: Int64, _ parent: Int64?) -> Post {
        Post(id: id, threadId: 1, parentId: parent, author: Account(id: 1, role: .member), authorName: "a", bodyMarkdown: "", bodyHTML: "",
             createdAt: .now, editedAt: nil, deletedAt: nil)
    }

    @Test func buildsNestedRepliesAndCutsAtTheCap() throws {
        let posts = [post(1, nil), post(2, 1), post(3, 2), post(4, 3), post(5, 1)]
        let tree = try #require(ThreadTree.build(posts: posts, maxDepth: 2))
        #expect(tree.children.map(\.post.id) == [2, 5])
        let three = tree.children[0].children[0]
        #expect(three.post.id == 3 && three.children.isEmpty && three.hasHiddenReplies)
        let sub = try #require(ThreadTree.build(posts: posts, rootId: 3, maxDepth: 2))
        #expect(sub.children.map(\.post.id) == [4])
        #expect(ThreadTree.build(posts: posts, rootId: 99, maxDepth: 2) == nil)
    }
}

@Suite struct TokenTests {
    @Test func tokensAreLongRandomAndURLSafe() {
        let a = Tokens.random(), b = Tokens.random()
        #expect(a != b && a.count == 43)
        #expect(a.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
        #expect(Tokens.sha256(a).count == 32)
        #expect(Tokens.constantTimeEquals(a, a) && !Tokens.constantTimeEquals(a, b))
    }
}
