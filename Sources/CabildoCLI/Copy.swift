import ArgumentParser
import CabildoStore
import CabildoWeb
import Foundation

/// `cabildo copy --to postgres://…`: moving a forum up from SQLite to PostgreSQL (issue 19).
/// The work, and every refusal, is `PostgresCopy`'s; this prints its progress and its counts.
struct CopyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy",
        abstract: "Copy a stopped SQLite forum into an empty PostgreSQL database, then check every table's count.",
        discussion: """
            The source is the SQLite database of --database (or CABILDO_DATABASE); stop its server first \
            (the copy refuses while one holds the database, and keeps any from starting meanwhile). \
            Everything is copied with its ids: accounts, sessions, two-factor secrets, boards, threads, posts \
            and their revisions, moderation, notifications, e-mail and the outbox, the server key. The search \
            index is rebuilt. The copy is one transaction: if it fails or is interrupted, the target stays \
            empty and the copy can be run again. A target holding any forum row is refused.
            """
    )

    @Option(help: "The empty PostgreSQL database to copy into: postgres://USER:PASSWORD@HOST:PORT/DATABASE[?sslmode=…].")
    var to: String
    @OptionGroup var database: DatabaseOption

    func validate() throws {
        guard PostgresURL.isPostgres(to) else {
            throw ValidationError("--to must be a postgres:// (or postgresql://) URL naming the PostgreSQL database to copy into")
        }
        do {
            _ = try PostgresURL(to)
        } catch let invalid as PostgresURL.Invalid {
            throw ValidationError("cannot use the --to URL: \(invalid)")
        }
    }

    func run() async throws {
        // Read here rather than through `DatabaseOption.sqlitePath(for:)`, whose refusal of a
        // postgres:// URL points to pg_dump: here the mistake is a different one.
        let source = database.database ?? AppConfig.databasePath(in: CLIIO.environment())
        guard !PostgresURL.isPostgres(source) else {
            throw ValidationError("cabildo copy reads a SQLite file: --database (or CABILDO_DATABASE) names a PostgreSQL URL")
        }
        let target = try PostgresURL(to)
        // Named by database, host and port only: the URL holds the password.
        CLIIO.write("copying \(source) into the PostgreSQL database \(target.database) at \(target.host):\(target.port)")
        let clock = ContinuousClock()
        let started = clock.now
        let seconds = { () -> String in
            let elapsed = clock.now - started
            return String(format: "%.1f s", Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        }
        let report: PostgresCopy.Report
        do {
            report = try await PostgresCopy.copy(sqlitePath: source, to: to) { step in
                guard step.done == step.total || (step.done > 0 && step.done % 10_000 == 0) else { return }
                let name = step.table == "post_search" ? "search index (post ids)" : step.table
                CLIIO.write("  \(name) \(step.done)/\(step.total)  \(seconds())")
            }
        } catch let failure as PostgresCopy.Failure {
            throw ValidationError(failure.description)
        } catch let failure as AppDatabase.OpenFailure {
            throw ValidationError(failure.description)
        }
        for line in Self.countTable(report) { CLIIO.write(line) }
        let rows = report.tables.reduce(0) { $0 + $1.postgres }
        CLIIO.write("copied \(report.tables.count) tables, \(rows) rows, in \(seconds()); every count matches")
        if report.sqliteSearchIndex != report.search.sqlite {
            CLIIO.write("note: SQLite's own search index held \(report.sqliteSearchIndex) rows for \(report.search.sqlite) searchable "
                        + "posts; PostgreSQL's was rebuilt from the posts")
        }
    }

    /// Each table's rows on both sides, aligned, the rebuilt search index last.
    static func countTable(_ report: PostgresCopy.Report) -> [String] {
        let rows = report.tables.map { ($0.table, $0.sqlite, $0.postgres) }
            + [("post_search (rebuilt)", report.search.sqlite, report.search.postgres)]
        let width = rows.map(\.0.count).max() ?? 5
        func line(_ name: String, _ sqlite: String, _ postgres: String) -> String {
            name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + String(repeating: " ", count: max(0, 10 - sqlite.count))
                + sqlite + "  " + String(repeating: " ", count: max(0, 10 - postgres.count)) + postgres
        }
        return [line("table", "sqlite", "postgresql")] + rows.map { line($0.0, String($0.1), String($0.2)) }
    }
}
