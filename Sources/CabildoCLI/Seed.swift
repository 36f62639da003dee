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
        let config = try database.config()
        let path = try database.sqlitePath(for: "seed")
        let lock = try ServerLock(database: path)
        guard lock.tryAcquire() else { throw ValidationError("a server is using \(path): stop it before seeding") }
        defer { lock.release() }

        let store: AppDatabase
        do { store = try AppDatabase.open(path: path) } catch { throw ValidationError("cannot open database \(path): \(error)") }
        try await store.seedBoardsIfEmpty(BoardSeed.panelThemes)
        let boards = try await store.boards()
        let themed = DemoText.themes.indices.compactMap { index -> (theme: Int, boardId: Int64)? in
            boards.first { $0.slug == DemoText.themes[index].slug && !$0.archived }.map { (index, $0.id) }
        }
        guard !themed.isEmpty else { throw ValidationError("none of the six theme boards is open in \(path)") }

        // One hash for every account: argon2id per account would take hours at a million posts.
        let passwordHash = try config.passwordHasher.hash(DemoPlan.password)
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
                endorsements: plan.endorsements,
                panels: Dictionary(uniqueKeysWithValues: boards.compactMap { board in DemoPanels.bySlug[board.slug].map { (board.id, $0) } })
            ) { stage, count in
                switch stage {
                case .posts: say("  posts \(count)/\(total)  \(seconds())")
                case .search: say("  search index \(count)/\(total)  \(seconds())")
                case .users, .threads, .endorsements, .counters, .harvest: say("  \(stage.rawValue) \(count)  \(seconds())")
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
