import ArgumentParser
import CabildoCore
import CabildoStore
import CabildoWeb
import Foundation

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

    /// About half from the department of Guatemala, as the 2018 forum's own count suggests, the
    /// rest spread over the other departments, abroad, and those who did not say or answer.
    static func department(_ rng: inout SplitMix64) -> Department? {
        let roll = rng.below(100)
        if roll < 50 { return .guatemala }
        if roll < 60 { return nil }
        if roll < 65 { return .notSaid }
        if roll < 68 { return .outsideGuatemala }
        let others = Department.allCases.filter { $0 != .guatemala && $0 != .notSaid && $0 != .outsideGuatemala }
        return others[rng.below(others.count)]
    }

    /// demo-0001 … in all seven groups (the first seven cover one each), then two moderators and the committee.
    private mutating func makeUsers(count: Int, start: Int64, rng: inout SplitMix64) {
        let groups = Stakeholder.allCases
        let groupWeights = groups.map { Self.stakeholderWeights[$0] ?? 1 }
        // Departments come from a stream of their own, so the rest of the forum is what it was before they existed.
        var places = SplitMix64(seed: seed, stream: 7)
        for index in 0..<(count - 3) {
            let number = String(index + 1)
            let name = "demo-" + String(repeating: "0", count: max(0, 4 - number.count)) + number
            let group = index < groups.count ? groups[index] : groups[rng.weighted(groupWeights)]
            users.append(DemoUser(username: name, role: .member, stakeholder: group, department: Self.department(&places),
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

