import CabildoCore
import NIOPosix

/// Renders post Markdown on a thread of its own, never on Swift's cooperative pool: cmark-gfm
/// runs under a process-wide lock (`Markdown.render`), and a slow render there held the
/// threads every request needs (ten concurrent edits of a 20 k-character pipe table made
/// `/healthz` take 4 s). One thread matches that lock; `MarkdownBounds` keeps each render
/// short, so a flood of renders only waits in this line.
final class MarkdownRenderer: Sendable {
    private let pool: NIOThreadPool

    init() {
        pool = NIOThreadPool(numberOfThreads: 1)
        pool.start()
    }

    func render(_ source: String) async throws -> String {
        try await pool.runIfActive { Markdown.render(source) }
    }
}
