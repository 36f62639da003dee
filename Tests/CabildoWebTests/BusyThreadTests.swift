import CabildoCore
import CabildoStore
import Foundation
import Testing
@testable import CabildoWeb

/// What a member sees in a week of a busy thread: 200 replies by 20 people in a thread they
/// watch, ten of them answering the member, who looks once a day. Prints the page as it reads.
@Suite struct BusyThreadTests {
    @Test func aWeekOfABusyThreadIsAFewNotificationsADay() async throws {
        try await withApp { host, store in
            // given a thread opened by autora, twenty people, and vigía, who replied once (and so watches it)
            try await host.register("autora")
            let thread = try await host.openThread(title: "Neutralidad y datos móviles", body: "¿Zero rating sí o no?")
            var people: [Browser] = []
            for index in 1...20 {
                let person = host.stranger()
                try await person.register(String(format: "persona%02d", index))
                people.append(person)
            }
            let watcher = host.stranger()
            try await watcher.register("vigia")
            let own = try await watcher.reply(thread: thread, body: "Depende de quién lo pague")

            // when 200 replies come in over seven days, every twentieth answering vigía, who reads the thread each evening
            var posts: [Int64] = []
            var seenEachDay: [Int] = []
            for reply in 0..<200 {
                let parent: Int64? = reply % 20 == 19 ? own : reply % 3 == 0 ? posts.last : nil
                posts.append(try await people[reply % 20].reply(thread: thread, parent: parent, body: "Mensaje \(reply + 1) de la semana"))
                if (reply + 1) % 29 == 0 || reply == 199 {
                    let evening = try await watcher.get("/notifications")
                    seenEachDay.append(evening.notifications.filter(\.unread).count)
                    print("day \(seenEachDay.count): \(evening.unreadCount) unread:", evening.notifications.filter(\.unread).map(\.text))
                    try await watcher.get("/t/\(thread)")
                }
            }

            // then vigía got one notification a day for the day's posts, and one for each answer: 17, not 200
            let user = try #require(try await store.user(usernameKey: "vigia"))
            let all = try await store.notifications(userId: user.id, before: nil, limit: 500)
            print("vigia, in all:", all.count, "notifications;", all.filter { $0.kind == .reply }.count, "answers,",
                  all.filter { $0.kind == .watchedPost }.map(\.count), "new posts per daily batch")
            #expect(seenEachDay.count == 7)
            #expect(all.count == 17)
            #expect(all.filter { $0.kind == .reply }.count == 10)
            #expect(all.filter { $0.kind == .watchedPost }.map(\.count).reduce(0, +) == 190)
            // and the thread's author, who never came back: one notification counting all 201
            let author = try #require(try await store.user(usernameKey: "autora"))
            let forAuthor = try await store.notifications(userId: author.id, before: nil, limit: 500)
            print("autora (opened it, never came back):", try await host.get("/notifications").notifications.map(\.text))
            #expect(forAuthor.map(\.kind) == [.threadReply])
            #expect(forAuthor.first?.count == 201)
            // and one who replied once a day: a batch a day, each ended by her own visit
            let daily = try #require(try await store.user(usernameKey: "persona01"))
            print("persona01 (replied ten times):", try await store.notifications(userId: daily.id, before: nil, limit: 500)
                .map { "\($0.kind.rawValue) ×\($0.count)" })
        }
    }
}
