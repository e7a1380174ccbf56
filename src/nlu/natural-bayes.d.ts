/**
 * natural's Bayes classifier module on its own. The package root (its default import)
 * loads every part of natural, among them dotenv (which read .env by accident) and database drivers
 * for its storage backends, and takes about a second; this module alone takes a few milliseconds.
 */
declare module 'natural/lib/natural/classifiers/bayes_classifier.js' {
  import type { BayesClassifier } from 'natural/lib/natural/classifiers/index.js';
  const Bayes: typeof BayesClassifier;
  export default Bayes;
}
