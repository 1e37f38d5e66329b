// Polls a background job's status and moves to its result page when it finishes.
// Without JavaScript the page refreshes itself instead (a <noscript> meta refresh).

export function initJobProgress (root) {
  for (const element of root.querySelectorAll('[data-module="app-job-progress"]')) {
    poll(element)
  }
}

function poll (element) {
  const url = element.dataset.statusUrl
  const seconds = Number(element.dataset.pollSeconds || 2)
  const bar = element.querySelector('progress')
  const percent = element.querySelector('[data-job-percent]')
  const text = element.querySelector('[data-job-text]')
  const tick = async () => {
    let job
    try {
      const response = await fetch(url, { headers: { Accept: 'application/json' } })
      job = (await response.json()).job
    } catch (error) {
      window.setTimeout(tick, seconds * 1000)
      return
    }
    bar.value = job.percent
    bar.textContent = job.percent + '%'
    percent.textContent = job.percent + '%'
    text.textContent = job.message + (job.total ? ' (' + job.done + ' of ' + job.total + ')' : '')
    if (job.status === 'done' && job.result_url) {
      window.location.assign(job.result_url)
    } else if (job.status === 'failed') {
      window.location.reload()
    } else {
      window.setTimeout(tick, Math.min(seconds, 1) * 1000)
    }
  }
  window.setTimeout(tick, 500)
}
