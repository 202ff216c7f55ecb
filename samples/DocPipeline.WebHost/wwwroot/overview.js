// The overview's live part: polls /api/monitor every 2 s, updates the job counts and draws documents/s over time.
(function () {
  const canvas = document.getElementById("throughput");
  if (!canvas) { return; }
  const points = [];
  const states = ["pending", "processing", "completed", "failed", "cancelled"];

  function draw() {
    const ctx = canvas.getContext("2d");
    const w = canvas.width, h = canvas.height;
    ctx.clearRect(0, 0, w, h);
    const max = Math.max(1, ...points);
    ctx.strokeStyle = "#1f5fbf";
    ctx.lineWidth = 2;
    ctx.beginPath();
    points.forEach((v, i) => {
      const x = points.length < 2 ? 0 : (i / (points.length - 1)) * w;
      const y = h - 4 - (v / max) * (h - 8);
      if (i === 0) { ctx.moveTo(x, y); } else { ctx.lineTo(x, y); }
    });
    ctx.stroke();
  }

  async function poll() {
    try {
      const response = await fetch("/api/monitor", { credentials: "same-origin", headers: { "Accept": "application/json" } });
      if (response.ok) {
        const snapshot = await response.json();
        for (const state of states) {
          const el = document.getElementById("jobs-" + state);
          if (el) { el.textContent = snapshot.jobs[state]; }
        }
        const minute = (snapshot.throughput || []).find(t => t.window_minutes === 1);
        const rate = minute ? minute.documents_per_second : 0;
        document.getElementById("throughput-now").textContent = rate.toFixed(2);
        points.push(rate);
        if (points.length > 60) { points.shift(); }
        draw();
      }
    } catch (e) {
      // The server is restarting or unreachable: try again at the next tick.
    }
  }

  poll();
  setInterval(poll, 2000);
})();
