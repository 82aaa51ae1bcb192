"""The node canvas: a QGraphicsScene that projects a Document, and the view users edit it in.

Data flows one way: a gesture becomes an undo command, the command edits the document, the
document emits events and the scene updates its items. Items never edit the document.
"""
