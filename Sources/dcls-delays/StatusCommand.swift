import Foundation
import Pipeline

let statusCommand = Command(
  usage: """
    status PIPELINE [--only PATTERN] [--force PATTERN] [--verify] [--cache DIR] [--results DIR]
                 print which stages of the pipeline are unchanged and why the others would run
    """,
  run: { arguments in
    let runner = try pipelineRunner(&arguments)
    let options = RunOptions(
      only: patterns(arguments.string("only")), force: patterns(arguments.string("force")),
      verifyContents: arguments.flag("verify"))
    try arguments.rejectUnknown()
    try runner.status(options)
  },
  switches: ["verify"])
