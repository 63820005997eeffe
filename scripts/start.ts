// `npm start`: opens the desktop console. Until the console lands this explains what is
// available instead of failing.
process.stdout.write(
  [
    'Keel: the desktop console is not built yet.',
    'The embedded sandbox cluster is ready: run `npm run sandbox` to start it headless.',
    '',
  ].join('\n'),
);
