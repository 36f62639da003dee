import ArgumentParser
import CabildoCore
import CabildoStore
import CabildoWeb
import Foundation

/// `cabildo seed --demo`: a fresh database filled with believable Spanish discussion of the six
/// themes, to try the forum out and to benchmark it at a million posts.
struct Seed: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fill a new database with demo content: threads, reply trees, proposals and endorsements.",
        discussion: """
            Seeding is for a fresh database file: it is refused when the database already has posts \
            and while a server is using it. Accounts: demo-0001, demo-0002, … (members of all seven \
            stakeholder groups), the moderators demo-mod-1 and demo-mod-2 and the committee account \
            demo-comite, all with the password '\(DemoPlan.password)'. The same --seed gives the same \
            titles and bodies; dates are spread over the 60 days before now.
            """
    )

    @ArgumentParser.Flag(help: "Generate demo content (required, so that nobody seeds a real database by accident).")
    var demo = false
    @Option(help: "How many posts to write.") var posts = 10_000
    @Option(help: "How many accounts, at least 20 (default: one per 50 posts).") var users: Int?
    @Option(help: "Seed of the generator; the same seed writes the same content.") var seed: UInt64 = 1
    @OptionGroup var database: DatabaseOption

    func validate() throws {
        guard demo else { throw ValidationError("pass --demo: demo content is the only kind of seeding there is") }
        guard (1...50_000_000).contains(posts) else { throw ValidationError("--posts must be between 1 and 50000000") }
        if let users, !(20...10_000_000).contains(users) {
            throw ValidationError("--users must be between 20 and 10000000")
        }
    }

    func run() async throws {
        let clock = ContinuousClock()
        let started = clock.now
        let say = CLIIO.write
        let path = database.path()
        let lock = try ServerLock(database: path)
        guard lock.tryAcquire() else { throw ValidationError("a server is using \(path): stop it before seeding") }
        defer { lock.release() }

        let store = try openStore(path)
        try await store.seedBoardsIfEmpty(BoardSeed.panelThemes)
        let boards = try await store.boards()
        let themed = DemoText.themes.indices.compactMap { index -> (theme: Int, boardId: Int64)? in
            boards.first { $0.slug == DemoText.themes[index].slug && !$0.archived }.map { (index, $0.id) }
        }
        guard !themed.isEmpty else { throw ValidationError("none of the six theme boards is open in \(path)") }

        let hasher: PasswordHasher
        do { hasher = try AppConfig.fromEnvironment().passwordHasher } catch { throw ValidationError("\(error)") }
        // One hash for every account: argon2id per account would take hours at a million posts.
        let passwordHash = try hasher.hash(DemoPlan.password)
        let plan = DemoPlan(posts: posts, users: users ?? max(20, posts / 50), seed: seed, boards: themed,
                            now: Int64(Date().timeIntervalSince1970))
        say("seeding \(path): \(posts) posts, \(plan.threads.count) threads, \(plan.users.count) users (seed \(seed))")

        let seconds = { () -> String in
            let elapsed = clock.now - started
            let value = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            return String(format: "%.1f s", value)
        }
        let total = posts
        do {
            try store.loadDemo(
                passwordHash: passwordHash, users: plan.users, threads: plan.threads, posts: plan.postStream(),
                endorsements: plan.endorsements
            ) { stage, count in
                switch stage {
                case .posts: say("  posts \(count)/\(total)  \(seconds())")
                case .search: say("  search index \(count)/\(total)  \(seconds())")
                case .users, .threads, .endorsements, .counters: say("  \(stage.rawValue) \(count)  \(seconds())")
                case .done: break
                }
            }
        } catch let refused as DemoLoadRefused {
            throw ValidationError("\(path) already has \(refused.posts) posts in \(refused.threads) threads: "
                                  + "seeding is for a fresh database, give a new --database file")
        } catch StoreError.usernameTaken {
            throw ValidationError("\(path) already has demo accounts: seeding is for a fresh database, give a new --database file")
        }
        say("seeded \(posts) posts in \(plan.threads.count) threads by \(plan.users.count) users in \(seconds())")
        say("sign in as demo-0001 (or demo-mod-1, demo-comite) with the password '\(DemoPlan.password)'")
    }
}

// MARK: - The plan: who writes what, where and when

/// The shape of the demo forum, decided up front and kept compact (a few bytes per post), so
/// that the thread rows can be written before their posts; the text comes later, one post at a time.
struct DemoPlan {
    static let password = "cabildo-demo"
    static let days = 60

    var users: [DemoUser] = []
    var threads: [DemoThread] = []
    var endorsements: [DemoEndorsement] = []
    /// Index into `DemoText.themes` for each thread.
    var threadTheme: [UInt8] = []
    var postThread: [Int32] = []
    /// -1 for an opening post.
    var postParent: [Int32] = []
    var postAuthor: [Int32] = []
    var postTime: [Int64] = []
    let seed: UInt64

    init(posts: Int, users userCount: Int, seed: UInt64, boards: [(theme: Int, boardId: Int64)], now: Int64) {
        self.seed = seed
        var rng = SplitMix64(seed: seed, stream: 1)
        var text = SplitMix64(seed: seed, stream: 2)
        let start = now - Int64(Self.days) * 86_400
        makeUsers(count: max(20, userCount), start: start, rng: &rng)
        let members = users.count - 3
        // Few people write most posts: rank r of a member is drawn with density ∝ r^(1/2.5 - 1).
        var byActivity = Array(0..<members)
        rng.shuffle(&byActivity)
        func author(_ rng: inout SplitMix64) -> Int {
            let roll = rng.unit()
            if roll < 0.01 { return members + rng.below(2) }  // a moderator
            if roll < 0.012 { return members + 2 }  // the committee account
            return byActivity[min(members - 1, Int(Double(members) * pow(rng.unit(), 2.5)))]
        }

        postTime = Self.spreadTimes(count: posts, start: start, rng: &rng)
        let threadCount = max(1, Int((Double(posts) / 20).rounded()))
        let boardWeights = boards.map { Self.themeWeights[$0.theme] }
        var proposalsLeft = max(1, Int((Double(threadCount) / 10).rounded()))
        var threadPosts: [[Int32]] = []
        threadPosts.reserveCapacity(threadCount)
        postThread.reserveCapacity(posts)
        postParent.reserveCapacity(posts)
        postAuthor.reserveCapacity(posts)
        for index in 0..<posts {
            // Selection sampling: exactly threadCount openings, the first post among them.
            let opensLeft = threadCount - threads.count
            if index == 0 || (opensLeft > 0 && rng.below(posts - index) < opensLeft) {
                let board = boards[rng.weighted(boardWeights)]
                let proposal = proposalsLeft > 0 && rng.below(threadCount - threads.count) < proposalsLeft
                if proposal { proposalsLeft -= 1 }
                let writer = author(&rng)
                let theme = DemoText.themes[board.theme]
                threads.append(DemoThread(boardId: board.boardId, author: writer,
                                          title: DemoText.title(theme, proposal: proposal, rng: &text), isProposal: proposal))
                threadTheme.append(UInt8(board.theme))
                threadPosts.append([Int32(index)])
                postThread.append(Int32(threads.count - 1))
                postParent.append(-1)
                postAuthor.append(Int32(writer))
                continue
            }
            // Which thread: mostly the latest ones, often the busy ones (a random earlier post's), sometimes any.
            let thread: Int
            let roll = rng.unit()
            if roll < 0.55 {
                thread = max(0, threads.count - 1 - Int(-log(1 - rng.unit()) * 6))
            } else if roll < 0.8 {
                thread = Int(postThread[rng.below(index)])
            } else {
                thread = rng.below(threads.count)
            }
            // Which post: the opening one, the latest (long chains), or any earlier one.
            let earlier = threadPosts[thread].count
            let pick = rng.unit()
            let parent = threadPosts[thread][pick < 0.4 ? 0 : pick < 0.7 ? earlier - 1 : rng.below(earlier)]
            var writer = author(&rng)
            if writer == Int(postAuthor[Int(parent)]) { writer = author(&rng) }
            threadPosts[thread].append(Int32(index))
            postThread.append(Int32(thread))
            postParent.append(parent)
            postAuthor.append(Int32(writer))
        }
        makeEndorsements(threadPosts: threadPosts, now: now, rng: &rng)
    }

    /// demo-0001 … in all seven groups (the first seven cover one each), then two moderators and the committee.
    private mutating func makeUsers(count: Int, start: Int64, rng: inout SplitMix64) {
        let groups = Stakeholder.allCases
        let groupWeights = groups.map { Self.stakeholderWeights[$0] ?? 1 }
        for index in 0..<(count - 3) {
            let number = String(index + 1)
            let name = "demo-" + String(repeating: "0", count: max(0, 4 - number.count)) + number
            let group = index < groups.count ? groups[index] : groups[rng.weighted(groupWeights)]
            users.append(DemoUser(username: name, role: .member, stakeholder: group,
                                  createdAt: Self.date(start - Int64(rng.below(45 * 86_400)))))
        }
        let staff: [(String, Role, Stakeholder)] = [
            ("demo-mod-1", .moderator, .technicalCommunity), ("demo-mod-2", .moderator, .civilSociety),
            ("demo-comite", .committee, .internationalOrganization),
        ]
        for (name, role, group) in staff {
            users.append(DemoUser(username: name, role: role, stakeholder: group, createdAt: Self.date(start - 50 * 86_400)))
        }
    }

    /// Each proposal is endorsed by people from one to all seven groups, so the harvest's
    /// ranking by breadth of support has something to rank; the author does not endorse.
    private mutating func makeEndorsements(threadPosts: [[Int32]], now: Int64, rng: inout SplitMix64) {
        var byGroup = [Stakeholder: [Int]]()
        for (index, user) in users.enumerated() { byGroup[user.stakeholder, default: []].append(index) }
        let groups = Stakeholder.allCases
        let breadthWeights = [0.15, 0.2, 0.2, 0.15, 0.12, 0.1, 0.08]
        let most = max(3, min(200, users.count / 5))
        for (thread, info) in threads.enumerated() where info.isProposal {
            var chosen = groups
            rng.shuffle(&chosen)
            let pool = chosen.prefix(1 + rng.weighted(breadthWeights)).flatMap { byGroup[$0] ?? [] }.filter { $0 != info.author }
            guard !pool.isEmpty else { continue }
            let wanted = min(pool.count, 1 + Int(Double(most) * pow(rng.unit(), 3)))
            var picked = Set<Int>()
            var order: [Int] = []
            while order.count < wanted {
                let user = pool[rng.below(pool.count)]
                if picked.insert(user).inserted { order.append(user) }
            }
            let opened = postTime[Int(threadPosts[thread][0])]
            for user in order {
                endorsements.append(DemoEndorsement(thread: thread, user: user,
                                                    createdAt: Self.date(opened + Int64(rng.unit() * Double(now - opened)))))
            }
        }
    }

    /// Non-decreasing times over the last 60 days: busier as the consultation goes on, quieter
    /// at weekends and at night in Guatemala (UTC−6).
    static func spreadTimes(count: Int, start: Int64, rng: inout SplitMix64) -> [Int64] {
        let hourly: [Double] = [0.15, 0.08, 0.05, 0.05, 0.08, 0.2, 0.45, 0.75, 0.95, 1, 1, 1,
                                1.05, 1, 0.95, 0.95, 1, 1.05, 1.15, 1.25, 1.3, 1.1, 0.7, 0.35]
        let daily = (0..<days).map { day in (0.5 + Double(day) / Double(days)) * (0.75 + 0.5 * rng.unit()) }
        var cumulative: [Double] = []
        var sum = 0.0
        for hour in 0..<(days * 24) {
            let local = start + Int64(hour) * 3600 - 6 * 3600
            let weekday = ((local / 86_400) + 4) % 7  // 1970-01-01 was a Thursday; 0 is Sunday
            sum += daily[hour / 24] * hourly[Int((local % 86_400) / 3600)] * (weekday == 0 || weekday == 6 ? 0.6 : 1)
            cumulative.append(sum)
        }
        var times: [Int64] = []
        times.reserveCapacity(count)
        var bucket = 0
        for index in 0..<count {
            let target = (Double(index) + 0.5) / Double(count) * sum
            while bucket < cumulative.count - 1 && cumulative[bucket] < target { bucket += 1 }
            let before = bucket == 0 ? 0 : cumulative[bucket - 1]
            let fraction = min(1, max(0, (target - before) / (cumulative[bucket] - before)))
            times.append(start + Int64(bucket) * 3600 + Int64(fraction * 3599))
        }
        return times
    }

    func postStream() -> DemoPostStream { DemoPostStream(plan: self, rng: SplitMix64(seed: seed, stream: 3)) }

    static func date(_ seconds: Int64) -> Date { Date(timeIntervalSince1970: TimeInterval(seconds)) }

    /// Data protection and broadband draw the most talk; the order is `DemoText.themes`'.
    static let themeWeights: [Double] = [1.0, 1.4, 1.1, 0.9, 1.2, 0.8]
    static let stakeholderWeights: [Stakeholder: Double] = [
        .civilSociety: 25, .individual: 22, .academia: 15, .technicalCommunity: 12, .privateSector: 12,
        .government: 9, .internationalOrganization: 5,
    ]
}

/// The posts of a plan in id order, written (and rendered) only when the store asks for the next one.
struct DemoPostStream: Sequence, IteratorProtocol {
    let plan: DemoPlan
    var rng: SplitMix64
    var index = 0
    /// Short replies ("Totalmente de acuerdo. Es urgente atender …") recur: at a million posts a
    /// third of the bodies are repeats. Rendering them once saves that share of the Markdown work;
    /// long bodies rarely repeat and are not kept, and the cache stops growing at a bound.
    var rendered: [String: String] = [:]
    static let cachedLength = 120
    static let cacheLimit = 100_000

    mutating func next() -> DemoPost? {
        guard index < plan.postThread.count else { return nil }
        defer { index += 1 }
        let thread = Int(plan.postThread[index])
        let parent = plan.postParent[index]
        let author = Int(plan.postAuthor[index])
        let theme = DemoText.themes[Int(plan.threadTheme[thread])]
        let markdown: String
        if parent < 0 {
            markdown = DemoText.opening(theme, proposal: plan.threads[thread].isProposal, rng: &rng)
        } else {
            let answered = plan.users[Int(plan.postAuthor[Int(parent)])].username
            markdown = DemoText.reply(theme, answering: answered, from: plan.users[author].stakeholder, rng: &rng)
        }
        return DemoPost(thread: thread, parent: parent < 0 ? nil : Int(parent), author: author, markdown: markdown,
                        html: render(markdown), createdAt: DemoPlan.date(plan.postTime[index]))
    }

    private mutating func render(_ markdown: String) -> String {
        guard markdown.utf8.count <= Self.cachedLength else { return Markdown.render(markdown) }
        if let html = rendered[markdown] { return html }
        let html = Markdown.render(markdown)
        if rendered.count < Self.cacheLimit { rendered[markdown] = html }
        return html
    }
}

/// SplitMix64: small, fast, and ours, so the same seed gives the same forum from one release to the
/// next (the standard library's `random(in:using:)` may change how it draws). Only `pow` and `log`
/// come from the platform's libm, so another OS may differ in a rare rounding.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64, stream: UInt64) {
        state = seed ^ (stream &* 0xD1B5_4A32_D192_ED03)
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// 0 ..< n (Lemire's multiply-shift; the bias is below 2⁻⁴⁰ for our sizes).
    mutating func below(_ n: Int) -> Int { Int(next().multipliedFullWidth(by: UInt64(n)).high) }
    /// [0, 1)
    mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }
    mutating func chance(_ probability: Double) -> Bool { unit() < probability }
    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }

    mutating func weighted(_ weights: [Double]) -> Int {
        var target = unit() * weights.reduce(0, +)
        for (index, weight) in weights.enumerated() {
            if target < weight { return index }
            target -= weight
        }
        return weights.count - 1
    }

    mutating func shuffle<T>(_ items: inout [T]) {
        guard items.count > 1 else { return }
        for index in stride(from: items.count - 1, to: 0, by: -1) { items.swapAt(index, below(index + 1)) }
    }
}

// MARK: - The text

/// Titles and bodies from per-theme vocabulary and shared sentence templates. The phrases are
/// written so that no template needs agreement or a contraction (no "de el"): an actor carries
/// its own verb ("los bancos deberían").
enum DemoText {
    struct Theme {
        let slug: String
        /// Noun phrases with their article.
        let topics: [String]
        let problems: [String]
        /// Infinitive phrases.
        let proposals: [String]
        /// Name and whether it is plural.
        let actors: [(String, Bool)]
        /// Clauses that can follow "En Sololá, …".
        let facts: [String]
    }

    static func title(_ theme: Theme, proposal: Bool, rng: inout SplitMix64) -> String {
        let template = proposal ? rng.pick(proposalTitles) : rng.pick(titles)
        var title = ""
        fill(template, theme, into: &title, markdown: false, capitalize: true, rng: &rng)
        // The schema allows 5 to 150 characters; the vocabulary stays far below, this is a guard.
        if title.unicodeScalars.count > 150 { title = String(title.unicodeScalars.prefix(149)) + "…" }
        return title
    }

    static func opening(_ theme: Theme, proposal: Bool, rng: inout SplitMix64) -> String {
        var text = ""
        var sentences = 2 + rng.below(5)
        if proposal {
            fill(rng.pick(proposalOpenings), theme, into: &text, markdown: true, capitalize: true, rng: &rng)
            sentences -= 1
        }
        appendSentences(sentences, theme, into: &text, rng: &rng)
        if rng.chance(0.4) {
            text += " "
            text += rng.pick(closers)
        }
        if rng.chance(proposal ? 0.5 : 0.2) { appendList(theme, into: &text, rng: &rng) }
        if rng.chance(0.15) { appendLink(theme, into: &text, rng: &rng) }
        return text
    }

    static func reply(_ theme: Theme, answering: String, from group: Stakeholder, rng: inout SplitMix64) -> String {
        var text = ""
        var sentences = 1 + rng.weighted([30, 35, 22, 10, 2, 1])
        if rng.chance(0.45) {
            let speaker = Speaker(mention: "@" + answering, group: groupPhrases[group] ?? "mi experiencia personal")
            fill(rng.pick(replyOpeners), theme, into: &text, markdown: true, capitalize: true, speaker: speaker, rng: &rng)
            sentences -= 1
        }
        appendSentences(sentences, theme, into: &text, rng: &rng)
        if rng.chance(0.08) { appendList(theme, into: &text, rng: &rng) }
        if rng.chance(0.06) { appendLink(theme, into: &text, rng: &rng) }
        return text
    }

    private static func appendSentences(_ count: Int, _ theme: Theme, into text: inout String, rng: inout SplitMix64) {
        for _ in 0..<count {
            if !text.isEmpty { text += rng.chance(0.3) ? "\n\n" : " " }
            fill(rng.pick(sentences), theme, into: &text, markdown: true, capitalize: true, rng: &rng)
        }
    }

    private static func appendList(_ theme: Theme, into text: inout String, rng: inout SplitMix64) {
        if !text.isEmpty { text += "\n\n" }
        text += rng.pick(listIntros)
        text += "\n"
        var items = theme.proposals
        rng.shuffle(&items)
        for item in items.prefix(2 + rng.below(3)) {
            text += "\n- "
            text += capitalized(item)
        }
    }

    private static func appendLink(_ theme: Theme, into text: inout String, rng: inout SplitMix64) {
        let url = "https://example.org/\(theme.slug)/\(rng.pick(linkPaths))-\(2019 + rng.below(7))"
        text += "\n\n"
        if rng.chance(0.5) {
            text += "Más datos en [\(rng.pick(linkTexts))](\(url))."
        } else {
            text += "Fuente: \(url)"
        }
    }

    /// Who a reply answers, and the group its author speaks from.
    struct Speaker {
        let mention: String
        let group: String
    }

    /// Appends a template with its `{slot}`s filled from the theme.
    private static func fill(_ template: [Piece], _ theme: Theme, into text: inout String, markdown: Bool,
                             capitalize: Bool, speaker: Speaker? = nil, rng: inout SplitMix64) {
        for (position, piece) in template.enumerated() {
            var value: String
            var bold = false
            switch piece {
            case .text(let literal):
                text += literal
                continue
            case .slot(let slot):
                switch slot {
                case .topic: value = rng.pick(theme.topics)
                case .problem:
                    value = rng.pick(theme.problems)
                    bold = markdown && rng.chance(0.12)
                case .proposal:
                    value = rng.pick(theme.proposals)
                    bold = markdown && rng.chance(0.2)
                case .actor: value = rng.pick(theme.actors).0
                case .actorShould:
                    let (name, plural) = rng.pick(theme.actors)
                    value = name + (plural ? " deberían" : " debería")
                case .actorMust:
                    let (name, plural) = rng.pick(theme.actors)
                    value = name + (plural ? " tienen que" : " tiene que")
                case .fact: value = rng.pick(theme.facts)
                case .place: value = rng.pick(places)
                case .org: value = rng.pick(organizations)
                case .country: value = rng.pick(countries)
                case .percent: value = String(12 + rng.below(75))
                case .year: value = String(2027 + rng.below(4))
                case .mention: value = speaker?.mention ?? ""
                case .group: value = speaker?.group ?? ""
                }
            }
            if capitalize && position == 0 { value = capitalized(value) }
            if bold {
                text += "**"
                text += value
                text += "**"
            } else {
                text += value
            }
        }
    }

    private static func capitalized(_ phrase: String) -> String {
        guard let first = phrase.first, first.isLowercase else { return phrase }
        return first.uppercased() + phrase.dropFirst()
    }

    enum Slot: String {
        case topic, problem, proposal, actor, actorShould, actorMust, fact, place, org, country, percent, year
        case mention, group
    }

    enum Piece {
        case text(String)
        case slot(Slot)
    }

    /// "Propongo {proposal}." → [.text("Propongo "), .slot(.proposal), .text(".")], parsed once.
    static func parse(_ template: String) -> [Piece] {
        var pieces: [Piece] = []
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            if open > rest.startIndex { pieces.append(.text(String(rest[..<open]))) }
            guard let slot = Slot(rawValue: String(rest[rest.index(after: open)..<close])) else {
                preconditionFailure("unknown slot in demo template: \(template)")
            }
            pieces.append(.slot(slot))
            rest = rest[rest.index(after: close)...]
        }
        if !rest.isEmpty { pieces.append(.text(String(rest))) }
        return pieces
    }

    static let titles = [
        "¿Cómo mejorar {topic}?", "{problem} en {place}", "Experiencias sobre {topic} en {place}",
        "¿Qué hacemos con {problem}?", "Preguntas sobre {topic}", "Ideas para {proposal}",
        "{topic}: una mirada desde {place}", "Dudas sobre {topic}", "¿Es hora de {proposal}?",
        "{topic} y {problem}", "Lo que aprendimos en {place} sobre {topic}",
    ].map(parse)

    static let proposalTitles = ["Propuesta: {proposal}", "Propuesta para {place}: {proposal}", "Proponemos {proposal}"].map(parse)

    static let proposalOpenings = [
        "Propongo {proposal}.", "Nuestra propuesta para la agenda del próximo año: {proposal}.",
        "Traigo una propuesta concreta: {proposal}.",
    ].map(parse)

    static let sentences = [
        "{actorShould} {proposal}.", "Propongo {proposal}.", "Mi propuesta concreta: {proposal}.",
        "En {place}, {fact}.", "Lo que más preocupa en {place} es {problem}.", "Un dato para la discusión: {fact}.",
        "Hoy {fact}, y por eso urge hablar sobre {topic}.", "Sobre {topic}, {actorMust} rendir cuentas con datos públicos.",
        "Según {org}, cerca del {percent} % de las personas consultadas en {place} menciona {problem}.",
        "Nadie discute la importancia de {topic}, pero faltan metas concretas.",
        "Con {problem} no hay confianza posible.", "Tanto {actor} como la sociedad civil tienen que participar en la solución.",
        "Una salida razonable sería {proposal}, con plazos claros y revisión pública.",
        "La experiencia de {country} muestra que es posible {proposal}.", "No basta con campañas: hace falta {proposal}.",
        "El debate sobre {topic} necesita más voces desde {place}.", "¿Quién supervisa {topic} hoy? Nadie lo hace de forma pública.",
        "Es urgente atender {problem}.", "Para {year} deberíamos {proposal}.", "En mi comunidad, {fact}.",
        "{topic} no es un lujo: es una condición para ejercer derechos.",
        "Me pregunto si {actorShould} publicar un informe anual sobre {topic}.",
    ].map(parse)

    static let replyOpeners = [
        "Coincido con lo que se ha dicho.", "Gracias por abrir este hilo.", "No estoy de acuerdo del todo.",
        "Buen punto, {mention}.", "Desde {group}, lo veo de otra manera.", "Agrego un matiz.", "Respondo con un ejemplo.",
        "Totalmente de acuerdo.", "Tengo una duda, {mention}.", "Interesante, pero falta un dato.",
    ].map(parse)

    static let closers = ["¿Qué opinan?", "Me interesa conocer otras experiencias.", "Espero sus comentarios.",
                          "¿Alguien tiene datos más recientes?"]

    static let listIntros = ["Propongo estas medidas:", "Algunas ideas concretas:", "Lo mínimo que pediría:",
                             "Para empezar:"]

    static let linkTexts = ["este informe", "el estudio completo", "la encuesta", "los datos abiertos"]
    static let linkPaths = ["informe", "datos", "encuesta", "estudio"]

    static let places = ["Huehuetenango", "Alta Verapaz", "Quetzaltenango", "Petén", "la Ciudad de Guatemala", "Sololá",
                         "Escuintla", "Izabal", "Chiquimula", "San Marcos", "Totonicapán", "Jutiapa", "Mixco", "Cobán"]

    static let organizations = ["la Universidad de San Carlos", "la CEPAL", "la UIT", "una encuesta universitaria",
                                "un estudio regional", "una organización local", "la Universidad Rafael Landívar"]

    static let countries = ["Chile", "Brasil", "México", "Costa Rica", "Colombia", "Uruguay", "Perú", "España"]

    static let groupPhrases: [Stakeholder: String] = [
        .government: "el gobierno", .privateSector: "el sector privado", .civilSociety: "la sociedad civil",
        .academia: "la academia", .technicalCommunity: "la comunidad técnica",
        .internationalOrganization: "los organismos internacionales", .individual: "mi experiencia personal",
    ]

    /// In the order of `BoardSeed.panelThemes`.
    static let themes: [Theme] = [
        Theme(
            slug: "neutralidad-de-la-red",
            topics: ["la neutralidad de la red", "la gestión del tráfico", "la tasa cero en los planes móviles",
                     "la transparencia de los proveedores de acceso", "la calidad del servicio móvil",
                     "el acceso abierto a contenidos", "la interconexión entre redes", "la velocidad real de las conexiones"],
            problems: ["el bloqueo de llamadas por aplicaciones", "la priorización pagada de ciertos servicios",
                       "la degradación del tráfico en horas pico", "los contratos con letra pequeña",
                       "la falta de mediciones independientes", "los planes que solo incluyen redes sociales",
                       "la discriminación de contenidos locales"],
            proposals: ["prohibir la priorización pagada", "publicar informes trimestrales de gestión de tráfico",
                        "crear un medidor ciudadano de velocidad", "exigir contratos claros y comparables",
                        "incluir la neutralidad en la Ley General de Telecomunicaciones",
                        "sancionar el bloqueo injustificado de aplicaciones",
                        "permitir excepciones solo por seguridad de la red, con justificación pública"],
            actors: [("los proveedores de acceso a Internet", true), ("la Superintendencia de Telecomunicaciones", false),
                     ("el Congreso", false), ("los operadores móviles", true), ("las empresas de contenido", true),
                     ("las pequeñas empresas", true)],
            facts: ["los planes prepago dominan el mercado", "muchos usuarios solo conocen Internet a través de una red social",
                    "la mayoría de contratos no informa la velocidad mínima garantizada",
                    "el tráfico de video crece cada año", "las quejas por lentitud se concentran en zonas rurales"]
        ),
        Theme(
            slug: "proteccion-de-datos",
            topics: ["la protección de datos personales", "el consentimiento informado", "la información de los usuarios",
                     "los datos biométricos", "la privacidad en aplicaciones móviles", "las bases de datos del Estado",
                     "el derecho de acceso y rectificación", "la seguridad de la información"],
            problems: ["la venta de bases de datos con información personal", "las filtraciones en instituciones públicas",
                       "las llamadas de cobro con datos obtenidos sin permiso", "la recolección excesiva de datos",
                       "las políticas de privacidad ilegibles", "el uso de datos sin consentimiento"],
            proposals: ["aprobar una ley de protección de datos personales",
                        "crear una autoridad independiente de protección de datos",
                        "obligar a notificar las filtraciones en 72 horas", "reconocer el derecho al olvido con límites claros",
                        "auditar las bases de datos del Estado", "exigir políticas de privacidad en lenguaje sencillo",
                        "limitar la retención de datos al mínimo necesario"],
            actors: [("el Registro Nacional de las Personas", false), ("los bancos", true), ("las empresas de telefonía", true),
                     ("los centros de llamadas", true), ("las plataformas digitales", true), ("el Ministerio de Gobernación", false)],
            facts: ["Guatemala todavía no tiene una ley general de protección de datos", "el DPI se pide para casi cualquier trámite",
                    "las filtraciones rara vez se comunican a los afectados",
                    "muchas aplicaciones piden permisos que no necesitan", "los datos de salud circulan sin protección especial"]
        ),
        Theme(
            slug: "ninez-y-adolescencia",
            topics: ["la seguridad de niños, niñas y adolescentes en línea", "la educación digital en las escuelas",
                     "el acompañamiento de madres y padres", "el ciberacoso escolar", "el tiempo frente a las pantallas",
                     "la privacidad de los menores", "los videojuegos en línea", "la alfabetización mediática"],
            problems: ["el grooming en redes sociales", "el ciberacoso entre compañeros", "la exposición a contenidos violentos",
                       "la publicación de fotos de menores sin permiso", "la falta de docentes capacitados",
                       "la recolección de datos de menores por aplicaciones"],
            proposals: ["incluir la ciudadanía digital en el currículo nacional", "capacitar a docentes en seguridad en línea",
                        "crear una línea de denuncia para casos de grooming", "exigir controles parentales sencillos",
                        "lanzar campañas en idiomas mayas", "proteger los datos de menores con reglas más estrictas",
                        "formar a madres y padres en talleres comunitarios"],
            actors: [("el Ministerio de Educación", false), ("la Procuraduría General de la Nación", false), ("las escuelas", true),
                     ("las familias", true), ("las plataformas de videojuegos", true), ("la Policía Nacional Civil", false)],
            facts: ["muchos niños reciben su primer teléfono antes de los diez años", "los docentes piden materiales en su idioma",
                    "las denuncias de grooming aumentaron en los últimos años", "las familias rurales comparten un solo teléfono",
                    "los adolescentes pasan varias horas al día en línea"]
        ),
        Theme(
            slug: "libertad-de-expresion-electoral",
            topics: ["la libertad de expresión en campaña", "la desinformación electoral", "la publicidad política en redes",
                     "la moderación de contenidos durante las elecciones", "el periodismo independiente",
                     "la transparencia de los anuncios políticos", "el debate público en línea"],
            problems: ["las campañas de desinformación coordinadas", "los ataques a periodistas en redes", "los netcenters",
                       "la publicidad política sin identificar quién paga", "la remoción arbitraria de contenidos",
                       "el discurso de odio contra candidatas"],
            proposals: ["crear un archivo público de anuncios políticos", "exigir que se identifique quién paga cada anuncio",
                        "apoyar iniciativas de verificación de datos", "publicar las solicitudes de retiro de contenidos",
                        "proteger a periodistas frente al acoso digital", "evitar leyes que criminalicen la opinión",
                        "capacitar al Tribunal Supremo Electoral en plataformas digitales"],
            actors: [("el Tribunal Supremo Electoral", false), ("los partidos políticos", true),
                     ("las plataformas de redes sociales", true), ("los medios de comunicación", true),
                     ("la Procuraduría de los Derechos Humanos", false), ("la ciudadanía", false)],
            facts: ["los netcenters operan sobre todo en periodos de campaña",
                    "la mayoría de votantes jóvenes se informa por redes sociales",
                    "los anuncios políticos se pagan a menudo desde cuentas anónimas",
                    "las candidatas reciben más ataques en línea que los candidatos",
                    "los rumores circulan más rápido en grupos de mensajería"]
        ),
        Theme(
            slug: "banda-ancha",
            topics: ["la banda ancha en Guatemala", "la conectividad rural", "el espectro radioeléctrico", "la fibra óptica",
                     "las redes comunitarias", "el servicio universal", "el precio de la conexión", "la infraestructura compartida"],
            problems: ["la falta de cobertura en las aldeas", "los precios altos de la conexión fija",
                       "los trámites municipales para instalar antenas", "la brecha digital entre campo y ciudad",
                       "la baja velocidad en las escuelas", "el robo de cable"],
            proposals: ["usar el fondo de servicio universal (FONDETEL) para conectar escuelas",
                        "publicar mapas de cobertura por municipio", "simplificar los permisos para infraestructura",
                        "reservar espectro para redes comunitarias", "promover la compartición de torres y ductos",
                        "fijar metas de velocidad mínima por municipio", "conectar primero centros de salud y escuelas"],
            actors: [("el Ministerio de Comunicaciones", false), ("las municipalidades", true), ("los operadores", true),
                     ("las cooperativas", true), ("las redes comunitarias", true), ("la Superintendencia de Telecomunicaciones", false)],
            facts: ["menos de la mitad de los hogares tiene conexión fija", "muchas aldeas dependen de una sola antena",
                    "un plan mensual cuesta varios días de salario mínimo",
                    "la conexión móvil es la única opción en gran parte del país", "las escuelas rurales casi no tienen Internet"]
        ),
        Theme(
            slug: "pagos-y-documentos-electronicos",
            topics: ["los pagos electrónicos", "la firma electrónica avanzada", "la factura electrónica", "la billetera móvil",
                     "la inclusión financiera", "los documentos electrónicos", "la identidad digital",
                     "la seguridad de las transacciones"],
            problems: ["los fraudes por mensajes de texto", "las comisiones altas por transferencias",
                       "la desconfianza en los pagos en línea", "la falta de validez de algunos documentos digitales",
                       "el robo de identidad", "los comercios que solo aceptan efectivo"],
            proposals: ["reconocer la firma electrónica en todos los trámites públicos",
                        "reducir las comisiones de las transferencias pequeñas",
                        "crear un sistema de pagos inmediatos interoperable", "educar en prevención de fraudes",
                        "permitir abrir cuentas simplificadas desde el teléfono",
                        "exigir autenticación de dos factores en la banca en línea",
                        "aceptar documentos electrónicos en las municipalidades"],
            actors: [("la Superintendencia de Bancos", false), ("el Banco de Guatemala", false), ("la SAT", false),
                     ("los bancos", true), ("las cooperativas de ahorro", true), ("los comercios", true)],
            facts: ["muchas personas no tienen cuenta bancaria", "las remesas llegan a millones de hogares",
                    "la factura electrónica ya es obligatoria para muchos contribuyentes",
                    "los fraudes por teléfono crecieron durante la pandemia",
                    "la mayoría de pagos pequeños todavía se hace en efectivo"]
        ),
    ]
}
