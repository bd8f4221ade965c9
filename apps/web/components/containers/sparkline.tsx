export interface SparkSeries {
  label: string;
  values: readonly number[];
  /** Tailwind text colour; the line is drawn in `currentColor`. */
  tone: string;
}

interface SparklineProps {
  series: readonly SparkSeries[];
  /** Points across the chart; fewer values are drawn from the right edge. */
  slots: number;
  /** Top of the scale; at least the largest value. */
  max?: number;
  label: string;
}

const HEIGHT = 100;

/** A small line chart in plain SVG: one polyline per series, the first with a faint area. */
export function Sparkline({ series, slots, max = 0, label }: SparklineProps) {
  const width = Math.max(1, slots - 1);
  // Headroom above the largest value keeps a flat signal from looking like a wall.
  const top = Math.max(max, 1.25 * Math.max(0, ...series.flatMap((s) => s.values)), 1e-9);
  return (
    <svg
      role="img"
      aria-label={label}
      viewBox={`0 0 ${width} ${HEIGHT}`}
      preserveAspectRatio="none"
      className="h-20 w-full overflow-visible"
    >
      {[0.25, 0.5, 0.75].map((fraction) => (
        <line
          key={fraction}
          x1={0}
          x2={width}
          y1={HEIGHT * fraction}
          y2={HEIGHT * fraction}
          className="stroke-border"
          strokeWidth={1}
          vectorEffect="non-scaling-stroke"
        />
      ))}
      {series.map((s, index) => {
        const offset = width - (s.values.length - 1);
        const points = s.values.map(
          (value, i) => `${offset + i},${HEIGHT - (Math.max(0, value) / top) * HEIGHT}`,
        );
        if (points.length === 0) return null;
        return (
          <g key={s.label} className={s.tone}>
            {index === 0 && points.length > 1 ? (
              <polygon
                points={`${offset},${HEIGHT} ${points.join(' ')} ${width},${HEIGHT}`}
                fill="currentColor"
                opacity={0.12}
              />
            ) : null}
            <polyline
              points={points.join(' ')}
              fill="none"
              stroke="currentColor"
              strokeWidth={1.5}
              strokeLinejoin="round"
              vectorEffect="non-scaling-stroke"
            />
          </g>
        );
      })}
    </svg>
  );
}
