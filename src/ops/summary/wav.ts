/**
 * TF's `wav::EncodeAudioAsS16LEWav` (core/lib/wav/wav_io.cc): float samples in [-1, 1] as
 * a 16-bit little-endian PCM WAV file, the encoding of audio summaries.
 */

/** TF's `FloatToInt16Sample`: scaled by 2^15, rounded half away from zero, clamped. */
function toInt16(sample: number): number {
  const scaled = Math.fround(sample * 32768);
  const rounded = Math.sign(scaled) * Math.round(Math.abs(scaled));
  return Math.min(Math.max(rounded, -32768), 32767);
}

/**
 * A WAV file of `frames` frames of `channels` interleaved float samples.
 *
 * @example
 * ```ts
 * const wav = encodeWav(Float32Array.of(0.5, -1), 8000, 1, 2);
 * [wav.length, new DataView(wav.buffer).getInt16(44, true), new DataView(wav.buffer).getInt16(46, true)].join(" "); // ==> 48 16384 -32768
 * ```
 */
export function encodeWav(
  samples: ArrayLike<number>,
  sampleRate: number,
  channels: number,
  frames: number,
): Uint8Array {
  const dataSize = frames * channels * 2;
  const out = new Uint8Array(44 + dataSize);
  const view = new DataView(out.buffer);
  const ascii = (at: number, s: string): void => {
    for (let i = 0; i < s.length; i++) out[at + i] = s.charCodeAt(i);
  };
  ascii(0, "RIFF");
  view.setUint32(4, 36 + dataSize, true);
  ascii(8, "WAVE");
  ascii(12, "fmt ");
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, channels, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * channels * 2, true);
  view.setUint16(32, channels * 2, true);
  view.setUint16(34, 16, true);
  ascii(36, "data");
  view.setUint32(40, dataSize, true);
  for (let i = 0; i < frames * channels; i++)
    view.setInt16(44 + 2 * i, toInt16(samples[i] as number), true);
  return out;
}
