// Events per second over the last minute, drawn by hand on a canvas.

const SECONDS = 60;

export class RateChart {
  constructor(canvas, label) {
    this.canvas = canvas;
    this.label = label;
    this.counts = new Array(SECONDS).fill(0);
    this.second = Math.floor(Date.now() / 1000);
    setInterval(() => this.draw(), 1000);
    window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => this.draw());
    this.draw();
  }

  /** Counts one event now. */
  count() {
    this.roll();
    this.counts[SECONDS - 1]++;
  }

  roll() {
    const now = Math.floor(Date.now() / 1000);
    const steps = Math.min(SECONDS, now - this.second);
    for (let i = 0; i < steps; i++) {
      this.counts.shift();
      this.counts.push(0);
    }
    this.second = now;
  }

  draw() {
    this.roll();
    const canvas = this.canvas;
    const ratio = window.devicePixelRatio || 1;
    const width = canvas.clientWidth || 300;
    const height = canvas.clientHeight || 80;
    if (canvas.width !== Math.round(width * ratio)) canvas.width = Math.round(width * ratio);
    if (canvas.height !== Math.round(height * ratio)) canvas.height = Math.round(height * ratio);
    const g = canvas.getContext('2d');
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, width, height);
    const style = getComputedStyle(canvas);
    const accent = style.getPropertyValue('--accent').trim() || '#2563eb';
    const grid = style.getPropertyValue('--border').trim() || '#ccc';
    const muted = style.getPropertyValue('--muted').trim() || '#888';
    const peak = Math.max(1, ...this.counts);
    const top = niceCeiling(peak);
    const padTop = 14;
    const plotH = height - padTop - 2;
    g.strokeStyle = grid;
    g.lineWidth = 1;
    g.beginPath();
    for (const fraction of [0, 0.5, 1]) {
      const y = Math.round(padTop + plotH * (1 - fraction)) + 0.5;
      g.moveTo(0, y);
      g.lineTo(width, y);
    }
    g.stroke();
    g.fillStyle = muted;
    g.font = '11px system-ui, sans-serif';
    g.fillText(`${top}/s`, 4, 11);
    const barW = width / SECONDS;
    g.fillStyle = accent;
    this.counts.forEach((n, i) => {
      if (!n) return;
      const h = Math.max(1, (n / top) * plotH);
      g.fillRect(i * barW + 1, padTop + plotH - h, Math.max(1, barW - 2), h);
    });
    const total = this.counts.reduce((a, b) => a + b, 0);
    const last = this.counts[SECONDS - 2];
    this.label.textContent = `${last} events/s last second · ${total} in the last 60 s · peak ${peak}/s`;
  }
}

function niceCeiling(n) {
  for (const step of [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000]) if (n <= step) return step;
  return Math.ceil(n / 10000) * 10000;
}
