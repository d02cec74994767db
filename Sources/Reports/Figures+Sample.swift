import Foundation

/// Draws one input sample: a raster of spike counts, or a mel spectrogram in decibels.
///
/// Raster data lists `time_ms input count` for every non-zero count; spectrogram data lists
/// `time_ms band decibels` for every value, one blank line after each frame (gnuplot's grid
/// format for `with image`).
func inputSampleFigure(run: RunRecord, sample: InputSample) -> Figure {
  inputSampleFigure(dataset: run.settings.dataset, input: run.settings.input, source: "run \(run.name)", sample: sample)
}

/// Renders one input sample as `sample-DATASET-INPUT` (PNG, SVG, `.gp`, `.dat`) into `folder`, for
/// `dcls-delays data inspect`; `source` names the origin of the sample in the title.
@discardableResult
public func renderInputSample(
  dataset: String, input: InputKind, source: String, sample: InputSample, into folder: URL, program: String = "gnuplot"
) throws -> URL {
  let figure = inputSampleFigure(dataset: dataset, input: input, source: source, sample: sample)
  try createFolder(folder)
  try writeText(figure.script, to: folder.appendingPathComponent(figure.scriptFile))
  try writeText(figure.data, to: folder.appendingPathComponent(figure.dataFile))
  try renderFigure(figure, in: folder, program: program)
  return folder.appendingPathComponent("\(figure.name).png")
}

func inputSampleFigure(dataset: String, input: InputKind, source: String, sample: InputSample) -> Figure {
  let settings = (dataset: dataset, input: input)
  let name = "sample-\(settings.dataset)-\(settings.input.rawValue)"
    .map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "_" }.reduce(into: "") { $0.append($1) }
  let label = sample.className.map { "\(sample.label) (\($0))" } ?? String(sample.label)
  let kindText = settings.input.isSpikes ? "spike counts" : "mel spectrogram"
  let title = "\(settings.dataset.uppercased()) sample of class \(label), \(kindText) (\(settings.input.rawValue) input, from \(source))"
  let frameCount = sample.frames.count, inputCount = sample.frames[0].count
  let milliseconds = sample.frameMilliseconds

  var data = "# \(title)\n"
  if settings.input.isSpikes {
    data += "# columns: time_ms input count (non-zero counts only)\n"
    for (frame, values) in sample.frames.enumerated() {
      for (input, count) in values.enumerated() where count != 0 {
        data += "\(dataNumber(Double(frame) * milliseconds)) \(input) \(dataNumber(count))\n"
      }
    }
  } else {
    data += "# columns: time_ms band decibels, one blank line after each frame\n"
    for (frame, values) in sample.frames.enumerated() {
      for (band, value) in values.enumerated() {
        data += "\(dataNumber(Double(frame) * milliseconds)) \(band) \(dataNumber(value))\n"
      }
      data += "\n"
    }
  }

  let xMax = dataNumber(Double(frameCount) * milliseconds)
  var body = """
    reset
    set title \(gnuplotString(title))
    set xlabel "time (ms)"
    set xrange [\(dataNumber(-milliseconds / 2)):\(xMax)]
    set yrange [-0.5:\(dataNumber(Double(inputCount) - 0.5))]
    set palette rgb 33,13,10

    """
  if settings.input.isSpikes {
    let countMax = sample.frames.flatMap { $0 }.max() ?? 1
    body += """
      set ylabel "input channel"
      set cblabel "spikes per frame"
      set cbrange [0:\(dataNumber(max(countMax, 1)))]
      plot "\(name).dat" using 1:2:3 with points pointtype 5 pointsize 0.35 linecolor palette notitle
      """
  } else {
    body += """
      set ylabel "mel band"
      set cblabel "power (dB)"
      plot "\(name).dat" using 1:2:3 with image notitle
      """
  }
  let width = 900, height = 480
  return Figure(
    name: name, kind: .inputSample,
    caption: "One \(settings.dataset.uppercased()) input sample, class \(label): \(settings.input.isSpikes ? "spike counts per \(dataNumber(milliseconds)) ms frame and input channel" : "mel bands in decibels per frame").",
    width: width, height: height,
    script: figureScript(name: name, title: title, width: width, height: height, body: body), data: data)
}
