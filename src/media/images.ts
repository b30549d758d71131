import type { Sharp } from 'sharp';
import { ValidationError } from '../core/errors.js';

/** Raster types sharp decodes and Quorum makes responsive formats of (Strapi's list, less GIF/SVG). */
const RESIZABLE = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/tiff', 'image/avif']);
/** Types whose dimensions are read (and which must therefore decode). */
const MEASURABLE = new Set([...RESIZABLE, 'image/gif']);

export const THUMBNAIL = { name: 'thumbnail', width: 245, height: 156 } as const;

export interface ImageSize {
  readonly width: number;
  readonly height: number;
}

export interface RenderedFormat extends ImageSize {
  readonly name: string;
  readonly size: number;
}

/**
 * Image work for the media library under a bounded concurrency: decoding and resizing take memory
 * and CPU, so at most `concurrency` images are processed at once on a node, the rest wait. sharp reads
 * the spooled file itself, so the upload is never copied into JavaScript memory.
 */
export class ImageProcessor {
  #active = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(
    private readonly options: {
      concurrency: number;
      maxPixels: number;
      breakpoints: Readonly<Record<string, number>>;
    },
  ) {}

  measurable(mime: string): boolean {
    return MEASURABLE.has(mime);
  }

  /** Width and height; a file whose bytes say "image" but do not decode is refused (a polyglot, a fake). */
  async measure(file: string): Promise<ImageSize> {
    return this.#limited(async () => {
      try {
        const meta = await (await this.#open(file)).metadata();
        if (!meta.width || !meta.height) throw new Error('no dimensions');
        if (meta.width * meta.height > this.options.maxPixels) {
          throw new ValidationError(`The image has more than ${this.options.maxPixels} pixels`);
        }
        // EXIF orientations 5–8 turn the image a quarter: report the size it is displayed at.
        const turned = (meta.orientation ?? 1) >= 5;
        return turned
          ? { width: meta.height, height: meta.width }
          : { width: meta.width, height: meta.height };
      } catch (err) {
        if (err instanceof ValidationError) throw err;
        throw new ValidationError('The file is not a valid image');
      }
    });
  }

  /**
   * Strapi's formats of an image of `size`: a thumbnail fitting 245×156 and one per breakpoint, each
   * only when smaller than the original, same type. `output(name)` says where to write each.
   */
  async formats(
    file: string,
    mime: string,
    size: ImageSize,
    output: (name: string) => Promise<string>,
  ): Promise<Map<string, RenderedFormat & { path: string }>> {
    const result = new Map<string, RenderedFormat & { path: string }>();
    if (!RESIZABLE.has(mime)) return result;
    const targets: { name: string; width: number; height: number }[] = [];
    if (size.width > THUMBNAIL.width || size.height > THUMBNAIL.height) targets.push(THUMBNAIL);
    for (const [name, limit] of Object.entries(this.options.breakpoints).sort((a, b) => b[1] - a[1])) {
      if (limit < size.width || limit < size.height) targets.push({ name, width: limit, height: limit });
    }
    for (const target of targets) {
      const path = await output(target.name);
      const info = await this.#limited(async () =>
        this.#encode(
          (await this.#open(file))
            .rotate()
            .resize({ width: target.width, height: target.height, fit: 'inside', withoutEnlargement: true }),
          mime,
        )
          .toFile(path)
          .catch(() => {
            // The header decoded (measure passed) but the pixels do not: truncated, or not an image at all.
            throw new ValidationError('The file is not a valid image');
          }),
      );
      result.set(target.name, {
        name: target.name,
        width: info.width,
        height: info.height,
        size: info.size,
        path,
      });
    }
    return result;
  }

  async #open(file: string): Promise<Sharp> {
    const { default: sharp } = await loadSharp();
    return sharp(file, { limitInputPixels: this.options.maxPixels, failOn: 'error' });
  }

  #encode(image: Sharp, mime: string): Sharp {
    switch (mime) {
      case 'image/jpeg':
        return image.jpeg();
      case 'image/png':
        return image.png();
      case 'image/webp':
        return image.webp();
      case 'image/tiff':
        return image.tiff();
      default:
        return image.avif();
    }
  }

  async #limited<T>(work: () => Promise<T>): Promise<T> {
    if (this.#active >= this.options.concurrency)
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    this.#active++;
    try {
      return await work();
    } finally {
      this.#active--;
      this.#waiting.shift()?.();
    }
  }
}

let sharpModule: Promise<typeof import('sharp')> | undefined;

/** sharp (libvips) is loaded with the first image, not at start: it costs a third of a second. */
function loadSharp(): Promise<typeof import('sharp')> {
  return (sharpModule ??= import('sharp'));
}
