// Placeholder until the demo page lands (issue 6): builds nothing, serves nothing.
console.log("demo: not built yet");
