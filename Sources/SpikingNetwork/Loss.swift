/// The reference's loss. The softmax of the readout at each step, summed over time, is the score
/// `m[b, c]`. The loss is the cross-entropy of `log_softmax(m)` with the label, averaged over the
/// batch, and the prediction is `argmax_c m[b, c]`. Output shape `(T, B, C)`.
public struct SumOfSoftmaxLoss<R: Real> {
  /// The batch's mean loss.
  public var loss: R
  /// The summed softmax scores `m`, `(B, C)`.
  public var scores: [R]
  /// The predicted class of each sample, `(B,)`.
  public var predictions: [Int]
  /// Softmax of each step, `(T, B, C)`, kept for the backward.
  var softmax: [R]
  var labels: [Int]
  var steps: Int

  /// Computes the loss of `output` `(T, B, C)` against `labels` `(B,)`.
  public init(output: [R], steps T: Int, batch B: Int, classes C: Int, labels: [Int]) {
    precondition(output.count == T * B * C && labels.count == B, "SumOfSoftmaxLoss: \(output.count) values for (\(T), \(B), \(C)), \(labels.count) labels")
    var softmax = [R](repeating: 0, count: output.count)
    var scores = [R](repeating: 0, count: B * C)
    for row in 0..<(T * B) {
      let base = row * C
      var largest = output[base]
      for c in 1..<C { largest = max(largest, output[base + c]) }
      var total: R = 0
      for c in 0..<C {
        let e = R.exponential(output[base + c] - largest)
        softmax[base + c] = e
        total += e
      }
      let b = row % B
      for c in 0..<C {
        softmax[base + c] /= total
        scores[b * C + c] += softmax[base + c]
      }
    }
    var loss: R = 0
    var predictions = [Int](repeating: 0, count: B)
    for b in 0..<B {
      let row = Array(scores[(b * C)..<(b * C + C)])
      let largest = row.max()!
      let logSum = R.logarithm(row.reduce(0) { $0 + R.exponential($1 - largest) }) + largest
      loss += logSum - row[labels[b]]
      predictions[b] = row.firstIndex(of: largest)!
    }
    self.loss = loss / R(B)
    self.scores = scores
    self.predictions = predictions
    self.softmax = softmax
    self.labels = labels
    self.steps = T
  }

  /// The number of correct predictions.
  public var correct: Int {
    zip(predictions, labels).filter { $0 == $1 }.count
  }

  /// `dL/doutput` `(T, B, C)`.
  public func outputGradient() -> [R] {
    let B = labels.count
    let C = scores.count / B
    // loss = mean_b (logsumexp(m[b]) - m[b, y]) gives dm = (softmax(m) - onehot) / B.
    var scoreGradient = [R](repeating: 0, count: B * C)
    for b in 0..<B {
      let row = scores[(b * C)..<(b * C + C)]
      let largest = row.max()!
      let total = row.reduce(0) { $0 + R.exponential($1 - largest) }
      for c in 0..<C {
        scoreGradient[b * C + c] = (R.exponential(scores[b * C + c] - largest) / total - (c == labels[b] ? 1 : 0)) / R(B)
      }
    }
    // m[b, c] = sum_t p[t, b, c] with p = softmax(o[t, b, :]): do = p (dm - sum_c' dm p).
    var gradient = [R](repeating: 0, count: softmax.count)
    for row in 0..<(steps * B) {
      let b = row % B
      let base = row * C
      var dot: R = 0
      for c in 0..<C { dot += scoreGradient[b * C + c] * softmax[base + c] }
      for c in 0..<C {
        gradient[base + c] = softmax[base + c] * (scoreGradient[b * C + c] - dot)
      }
    }
    return gradient
  }
}
