/**
 * Scans a QR code from the camera: the browser's BarcodeDetector where it exists (Chrome on
 * Android), else jsQR on frames drawn to a canvas (iOS Safari, Firefox). jsQR is loaded only
 * when needed.
 */
export interface Scanner {
  stop(): void;
}

interface BarcodeDetectorLike {
  detect(source: CanvasImageSource): Promise<{ rawValue: string }[]>;
}
type BarcodeDetectorConstructor = new (options: { formats: string[] }) => BarcodeDetectorLike;

/** How often a frame is examined. */
const SCAN_EVERY_MS = 250;

export async function startScanner(video: HTMLVideoElement, onCode: (text: string) => void): Promise<Scanner> {
  const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
  video.srcObject = stream;
  await video.play();
  const detect = await detectorFor(video);
  let stopped = false;
  const timer = setInterval(() => {
    if (stopped || video.readyState < 2) return;
    detect()
      .then((text) => {
        if (text && !stopped) onCode(text);
      })
      .catch((error: unknown) => console.warn('kaifong: scan failed', error));
  }, SCAN_EVERY_MS);
  return {
    stop() {
      stopped = true;
      clearInterval(timer);
      for (const track of stream.getTracks()) track.stop();
      video.srcObject = null;
    },
  };
}

async function detectorFor(video: HTMLVideoElement): Promise<() => Promise<string | null>> {
  const Detector = (globalThis as { BarcodeDetector?: BarcodeDetectorConstructor }).BarcodeDetector;
  if (Detector) {
    const detector = new Detector({ formats: ['qr_code'] });
    return async () => (await detector.detect(video))[0]?.rawValue ?? null;
  }
  const { default: jsQR } = await import('jsqr');
  const canvas = document.createElement('canvas');
  const context = canvas.getContext('2d', { willReadFrequently: true });
  return async () => {
    if (!context) return null;
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    context.drawImage(video, 0, 0);
    const frame = context.getImageData(0, 0, canvas.width, canvas.height);
    return jsQR(frame.data, frame.width, frame.height)?.data ?? null;
  };
}
