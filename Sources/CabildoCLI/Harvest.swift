import ArgumentParser
import CabildoCore
import CabildoStore
import CabildoWeb
import Foundation

/// `cabildo harvest`: the committee's report on standard output, byte for byte what
/// `/harvest.csv`, `/harvest.json` and `/harvest.md` serve (links use `CABILDO_BASE_URL`).
struct Harvest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the committee's harvest (md, csv or json).")

    @Option(help: "Only this board (its slug, e.g. banda-ancha).") var board: String?
    @Option(help: "md, csv or json.") var format: String = "md"
    @OptionGroup var database: DatabaseOption

    func run() async throws {
        guard ["md", "csv", "json"].contains(format) else { throw ValidationError("unknown format '\(format)': use md, csv or json") }
        let config = try database.config()
        let export = try HarvestExport(baseURL: config.baseURL, templatesDirectory: config.templatesDirectory,
                                       timeZone: config.timeZone)
        let snapshot = try await openStore(config.databasePath).harvest(at: Date())
        var boardId: Int64?
        if let board {
            guard let found = snapshot.boards.first(where: { $0.slug == board }) else {
                throw ValidationError("no board '\(board)': use one of " + snapshot.boards.map(\.slug).joined(separator: ", "))
            }
            boardId = found.id
        }
        let report = snapshot.report(boardId: boardId)
        let text = switch format {
        case "csv": export.csv(report)
        case "json": export.json(report)
        default: export.markdown(report)
        }
        // The writer adds the final newline. Scalars, not Characters: CSV ends in "\r\n", one Character.
        CLIIO.write(text.unicodeScalars.last == "\n" ? String(text.unicodeScalars.dropLast()) : text)
    }
}
