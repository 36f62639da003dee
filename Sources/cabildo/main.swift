import CabildoCLI

await CabildoCommand.runMain()
