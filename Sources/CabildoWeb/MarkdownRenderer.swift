import CabildoCore
import NIOPosix

/// Renders post Markdown on a thread of its own, never on Swift's cooperative pool: cmark-gfm
/// runs under a process-wide lock (`Markdown.render`), and a slow render there held the
/// threads every request needs (ten concurrent edits of a 20 k-character pipe table made
/// `/healthz` take 4 s). One thread matches that lock; `MarkdownBounds` keeps each render
/// short, so a flood of renders only waits in this line.
///
/// The thread is the process's, shared by every application it builds: the lock is too, and an
/// application that stops has no moment to end a thread of its own (the test suite, which builds
/// some 300, was left with as many idle threads).
struct MarkdownRenderer: Sendable {
    private static let pool: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: 1)
        pool.start()
        return pool
    }()

    /// - Parameter mentions: `@name` links to make, by `Rules.usernameKey` of the name: their addresses.
    func render(_ source: String, mentions: [String: String] = [:]) async throws -> String {
        try await Self.pool.runIfActive { Markdown.render(source, mentions: mentions) }
    }

    /// The names a post mentions (`Markdown.mentionedNames`), parsed on the same thread.
    func mentionedNames(in source: String) async throws -> [String] {
        guard source.contains("@") else { return [] }
        return try await Self.pool.runIfActive { Markdown.mentionedNames(in: source) }
    }
}
